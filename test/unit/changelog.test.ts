/**
 * CHANGELOG.md kept by the release (`kimigayo changelog`), on a real git repository built here:
 * one section per stable tag, newest first, idempotent (a re-run leaves the file byte for byte),
 * hand-written text kept, pre-releases left out, bad flags exit 2.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { changelog, parseChangelogOptions } from "../../src/cli/changelog.js";
import type { CommandContext } from "../../src/cli/command.js";
import type { Config } from "../../src/config/schema.js";
import { UsageError } from "../../src/lib/errors.js";
import type { Logger } from "../../src/lib/log.js";
import { CHANGELOG_HEADER, upsertSection } from "../../src/release/changelog.js";
import { gitFixture, type GitFixture } from "../support/git-fixture.js";

let fx: GitFixture;
const lines: string[] = [];
const log: Logger = {
  info: (m) => void lines.push(m),
  warn: (m) => void lines.push(m),
  error: (m) => void lines.push(m),
  debug: () => {},
  step: () => () => {},
  progress: () => {},
};
/** The config's release_notes.types, as `kimigayo changelog` reads them (none: the notes' defaults). */
let noteTypes: Config["noteTypes"];
const ctx = (): CommandContext => ({
  log,
  config: () => Promise.resolve({ ...(noteTypes ? { noteTypes } : {}) } as Config),
  env: { GITHUB_REPOSITORY: "kimigayo/build-action", GITHUB_SERVER_URL: "https://github.com" },
  cwd: fx.dir,
  credentials: {},
});
const file = () => join(fx.dir, "CHANGELOG.md");
const run = (argv: string[]) => changelog(ctx(), parseChangelogOptions(argv));

describe("kimigayo changelog", () => {
  before(() => {
    fx = gitFixture("kimigayo-changelog-");
    fx.commit("feat: first");
    fx.git("tag", "v1.0.0");
    fx.commit("fix(rc): a fix @someone asked for");
    fx.commit("chore(main): release 1.0.1");
    fx.git("tag", "v1.0.1");
    fx.commit("feat!: a breaking feature");
    fx.git("tag", "v2.0.0-rc.1");
    fx.commit("docs: more docs");
    fx.git("tag", "v2.0.0");
  });
  after(() => fx.remove());

  it("--all: a section per stable tag, newest first, with compare links and dates; the same again changes nothing", async () => {
    const r = await run(["--all"]);
    assert.deepEqual([r.changed, r.tags.sort()], [true, ["v1.0.0", "v1.0.1", "v2.0.0"]]);
    const text = readFileSync(file(), "utf8");
    assert.ok(text.startsWith(CHANGELOG_HEADER));
    const heads = text.split("\n").filter((l) => l.startsWith("## "));
    assert.equal(heads.length, 3, text);
    assert.match(
      heads[0]!,
      /^## \[2\.0\.0\]\(https:\/\/github\.com\/kimigayo\/build-action\/compare\/v1\.0\.1\.\.\.v2\.0\.0\) \(\d{4}-\d{2}-\d{2}\)$/,
    );
    assert.match(heads[1]!, /^## \[1\.0\.1\]\(.*compare\/v1\.0\.0\.\.\.v1\.0\.1\)/);
    assert.match(heads[2]!, /^## 1\.0\.0 \(/, "the first release has nothing to compare with");
    assert.match(text, /## \[2\.0\.0\][^\n]*\n\n### Features\n\n- ⚠️ a breaking feature/);
    assert.match(text, /### Bug fixes\n\n- \*\*rc:\*\* a fix @\u200dsomeone asked for/);
    assert.doesNotMatch(text, /release 1\.0\.1|rc\.1/);

    const again = await run(["--all"]);
    assert.equal(again.changed, false);
    assert.equal(readFileSync(file(), "utf8"), text, "byte for byte");
    const one = await run(["--tag", "v1.0.1"]);
    assert.equal(one.changed, false);
    assert.ok(lines.some((l) => /already has v1\.0\.1 as written: nothing changed/.test(l)));
  });

  it("a new release goes on top; hand-written text and edits of other sections are kept; its own section is rewritten", async () => {
    const edited = readFileSync(file(), "utf8").replace("# Changelog\n", "# Changelog\n\nOur own words.\n");
    writeFileSync(file(), edited.replace("### Bug fixes", "### Bug fixes\n\nA note by hand."));
    fx.commit("perf: faster");
    fx.git("tag", "v2.1.0");
    const r = await run(["--tag", "v2.1.0"]);
    assert.equal(r.changed, true);
    const text = readFileSync(file(), "utf8");
    assert.ok(text.includes("Our own words.") && text.includes("A note by hand."));
    const heads = text.split("\n").filter((l) => l.startsWith("## "));
    assert.match(heads[0]!, /^## \[2\.1\.0\]/);
    assert.equal(heads.length, 4);
    // A section rewritten for its own version replaces only itself.
    const replaced = upsertSection(text, { version: "2.1.0", text: "## [2.1.0](x) (2026-01-01)\n\n### Performance\n\n- changed" });
    assert.equal(replaced.changed, true);
    assert.equal(replaced.text.split("\n").filter((l) => l.startsWith("## ")).length, 4);
    assert.ok(replaced.text.includes("- changed\n\n## [2.0.0]"), replaced.text);
    assert.ok(replaced.text.includes("A note by hand."));
  });

  it("an older release goes below the newer ones", () => {
    const base = upsertSection("", { version: "2.0.0", text: "## 2.0.0\n\n- two" }).text;
    const withOld = upsertSection(upsertSection(base, { version: "3.0.0", text: "## 3.0.0\n\n- three" }).text, {
      version: "1.0.0",
      text: "## 1.0.0\n\n- one",
    }).text;
    const heads = withOld.split("\n").filter((l) => l.startsWith("## "));
    assert.deepEqual(heads, ["## 3.0.0", "## 2.0.0", "## 1.0.0"]);
  });

  it("a pre-release gets no section", async () => {
    const before = readFileSync(file(), "utf8");
    const r = await run(["--tag", "v2.0.0-rc.1"]);
    assert.deepEqual([r.changed, r.tags], [false, []]);
    assert.match(r.skipped!, /pre-release gets no section/);
    assert.equal(readFileSync(file(), "utf8"), before);
  });

  it("bad input is a UsageError (exit 2) naming the flag", async () => {
    const bad: [string[], RegExp][] = [
      [[], /needs --tag vX\.Y\.Z or --all/],
      [["--tag", "v1.0.0", "--all"], /exclude each other/],
      [["--tag", "1.0"], /--tag "1\.0" is not a release tag/],
      [["--all", "--repo", "not a repo"], /--repo "not a repo" is not OWNER\/NAME/],
    ];
    for (const [argv, re] of bad)
      assert.throws(
        () => parseChangelogOptions(argv),
        (e: unknown) => e instanceof UsageError && re.test(e.message),
      );
    await assert.rejects(run(["--tag", "v9.9.9"]), (e: unknown) => e instanceof UsageError && /v9\.9\.9 does not exist/.test(e.message));
  });
  it("the config's release_notes.types name and order the sections, as in the release notes", async () => {
    noteTypes = [
      { type: "fix", title: "Repairs" },
      { type: "feat", title: "New" },
    ];
    try {
      const other = join(fx.dir, "TYPES.md");
      await changelog(ctx(), parseChangelogOptions(["--tag", "v1.0.1", "--file", other]));
      const text = readFileSync(other, "utf8");
      assert.match(text, /### Repairs\n\n- \*\*rc:\*\* a fix/);
      assert.doesNotMatch(text, /### Bug fixes/);
    } finally {
      noteTypes = undefined;
    }
  });
});
