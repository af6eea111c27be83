/**
 * Release notes from real git repositories built here, one case per fixture commit: a merged
 * branch with typed commits and an untyped PR title, a breaking footer inside a merged branch and
 * one with its text on the next line, a revert pair inside the range (a commit; a whole merged PR)
 * and a revert of an older change, a squash merge "(#N) (#M)", a subject with "@someone", "<b>" and "|", a capitalised type,
 * a bot, and the release's own commits. The notes are checked as rendered markdown (micromark with
 * GFM, raw HTML let through as GitHub lets safe HTML through): no mention can ping, HTML shows as
 * text, table cells stay cells.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { UsageError } from "../../src/lib/errors.js";
import {
  collectChanges,
  isReleaseCommit,
  parseMessage,
  previousRelease,
  withPullAuthors,
  type ChangeSet,
} from "../../src/release/changes.js";
import { changesSection, formatDelta, renderNotes } from "../../src/release/notes.js";
import { gitFixture, type GitFixture } from "../support/git-fixture.js";

const MIKA = "Mika Mori <mika@example.com>";
const KEN = "Ken Ito <ken@example.com>";
const SORA = "Sora Aoi <sora@example.com>";
const BOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>";
const REPO_URL = "https://github.com/kimigayo/build-action";

/** As GitHub renders: GFM, and raw HTML passed through (GitHub keeps <b>, <details>, …). */
const render = (md: string) => micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
/** The text a reader sees (and GitHub's mention filter reads): tags removed, entities decoded. */
const visibleText = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
/** GitHub's user/team mention: "@" after a non-word character (or the start), then a login. */
const MENTION = /(?:^|[^\w`])@([a-z0-9][a-z0-9-]*)/gi;

let fx: GitFixture;
const sha: Record<string, string> = {};
let set: ChangeSet;

describe("release notes from git history", () => {
  before(async () => {
    fx = gitFixture("kimigayo-notes-");
    fx.commit("feat: first release");
    fx.commit("docs: how to build", KEN);
    sha.old = fx.commit("feat(rc): services start in parallel");
    fx.commit("chore(main): release 1.0.0");
    fx.git("tag", "v1.0.0");

    // A merged branch with typed commits and an untyped PR title.
    fx.git("checkout", "-q", "-b", "topic");
    fx.commit("fix(init): reap zombies", MIKA);
    fx.commit("feat: add httpd to standard", MIKA);
    fx.git("checkout", "-q", "main");
    sha.merge21 = fx.mergePr("topic", 21, "Mika's improvements");

    // A typed PR title; a breaking footer on a commit inside its branch.
    fx.git("checkout", "-q", "-b", "rc");
    fx.commit("refactor(rc): rename the services list\n\nBREAKING CHANGE: services.list is now services/", KEN);
    fx.commit("wip", KEN);
    fx.git("checkout", "-q", "main");
    fx.mergePr("rc", 22, "feat(rc): a services folder");

    // A breaking footer with its text on the next line.
    fx.commit("fix(size): budgets in KiB\n\nBREAKING CHANGE:\nbudgets are read as KiB now");
    // A breaking change reverted in the same range, re-landed as not breaking.
    sha.drop = fx.commit("feat(init)!: drop the inittab");
    fx.revert(sha.drop);
    fx.commit("feat(init): inittab optional");
    // A merged PR reverted as a whole (git revert -m 1 of its merge).
    fx.git("checkout", "-q", "-b", "gadget");
    fx.commit("feat: a gadget", KEN);
    fx.commit("fix: the gadget's fix", KEN);
    fx.git("checkout", "-q", "main");
    sha.merge23 = fx.mergePr("gadget", 23, "Gadget");
    fx.git("revert", "-m", "1", "--no-edit", sha.merge23);
    // A revert of the previous release's change.
    fx.revert(sha.old!);
    // A squash merge of a backport.
    fx.commit("fix(tar): stable mtime (#12) (#34)", SORA);
    // Text that must not ping, vanish or break a table.
    fx.commit("feat: thanks @someone for <b>bold</b> a|b (#40)", SORA);
    fx.commit("Feat: a capitalised type");
    fx.commit("chore(deps): bump yaml (#50)", BOT);
    fx.commit("Update README");
    fx.commit("chore(release): CHANGELOG for v1.1.0");
    fx.commit("chore(main): release 1.1.0");
    fx.git("tag", "v1.1.0");
    set = await collectChanges(fx.dir, "v1.1.0");
  });
  after(() => fx.remove());

  const find = (subject: string) => set.changes.find((c) => c.subject === subject);

  it("the previous release of a stable tag skips pre-releases; the first has none", async () => {
    assert.equal(set.previous, "v1.0.0");
    assert.equal(await previousRelease(fx.dir, "v1.0.0"), undefined);
  });

  it("a merge with an untyped PR title: its commits under their own types, linked to the PR, credited to the PR's author", () => {
    const fix = find("reap zombies");
    const feat = find("add httpd to standard");
    assert.ok(fix && feat, JSON.stringify(set.changes.map((c) => c.subject)));
    assert.deepEqual([fix.type, fix.scope, fix.pr, fix.author.name], ["fix", "init", 21, "Mika Mori"]);
    assert.deepEqual([feat.type, feat.pr, feat.author.name], ["feat", 21, "Mika Mori"]);
    assert.ok(!set.changes.some((c) => /Mika's improvements|Merge pull request/.test(c.subject)));
    assert.ok(!set.changes.some((c) => c.author.name === "Mai Tainer" && c.pr === 21), "never the merger");
  });

  it("a typed PR title is one change; a breaking footer inside its branch makes it breaking", () => {
    const pr = find("a services folder")!;
    assert.deepEqual([pr.type, pr.scope, pr.pr, pr.breaking, pr.author.name], ["feat", "rc", 22, true, "Ken Ito"]);
    assert.deepEqual(pr.breakingNotes, ["services.list is now services/"]);
    assert.ok(!find("wip") && !find("rename the services list"));
  });

  it("BREAKING CHANGE: with its text on the next line", () => {
    const c = find("budgets in KiB")!;
    assert.equal(c.breaking, true);
    assert.deepEqual(c.breakingNotes, ["budgets are read as KiB now"]);
  });

  it("a revert pair inside the range removes both; a revert of an older change is listed as a revert", () => {
    assert.ok(!set.changes.some((c) => /drop the inittab/.test(c.subject)), "the reverted breaking change is gone");
    assert.ok(!set.changes.some((c) => /gadget/.test(c.subject) || c.pr === 23), "a reverted merge takes its whole branch");
    assert.ok(find("inittab optional") && !find("inittab optional")!.breaking);
    const r = set.changes.find((c) => c.type === "revert")!;
    assert.equal(r.reverts, "feat(rc): services start in parallel");
    assert.equal(set.changes.filter((c) => c.type === "revert").length, 1);
  });

  it("a squash merge (#12) (#34): PR 34, 12 kept as a reference; credited to the squash commit's author", () => {
    const c = find("stable mtime")!;
    assert.deepEqual([c.type, c.scope, c.pr, c.refs, c.author.name], ["fix", "tar", 34, [12], "Sora Aoi"]);
  });

  it("types are case-insensitive; release commits are left out; bots are bots; the rest is other", () => {
    assert.equal(find("a capitalised type")?.type, "feat");
    assert.ok(!set.changes.some((c) => isReleaseCommit(c.header)));
    assert.ok(!set.changes.some((c) => /release 1\.|CHANGELOG for/.test(c.subject)));
    assert.equal(find("bump yaml")?.author.bot, true);
    assert.equal(find("Update README")?.type, "other");
    assert.deepEqual(
      set.newContributors.map((a) => a.name),
      ["Mika Mori", "Sora Aoi"],
      "Ken contributed before v1.0.0; the bot is not listed",
    );
  });

  it("renders: highlights breaking first (scope, PR link, note), sizes per variant and the benchmark with signs", () => {
    const md = renderNotes({
      version: "1.1.0",
      tag: "v1.1.0",
      previous: "v1.0.0",
      changes: set.changes,
      newContributors: set.newContributors,
      repoUrl: REPO_URL,
      sizes: [
        { variant: "standard", platform: "linux/amd64", size: 536_576, compressed: 250_000, previous: 540_672 },
        { variant: "standard", platform: "linux/arm64", size: 600_000, previous: 590_000 },
        { variant: "a|b", platform: "linux/amd64", size: 100 },
      ],
      bench: [
        { name: "boot to ready", value: "10 ms", measured: 10, previous: 12, unit: "ms", target: "≤ 20 ms", ok: true },
        { name: "memory", value: "900 KiB", measured: 900, previous: 864, unit: "KiB" },
      ],
    });
    const hl = md.slice(md.indexOf("## Highlights"), md.indexOf("## Changes"));
    const lines = hl.split("\n").filter((l) => l.startsWith("- "));
    assert.match(lines[0]!, /^- ⚠️ \*\*Breaking:\*\* (\*\*rc:\*\* a services folder|\*\*size:\*\* budgets in KiB)/);
    assert.ok(hl.includes(`**rc:** a services folder ([#22](${REPO_URL}/pull/22)): services.list is now services/`), hl);
    assert.ok(hl.includes("**size:** budgets in KiB"));
    assert.ok(!/drop the inittab/.test(md));
    const size = lines.find((l) => l.includes("**standard**"))!;
    assert.match(
      size,
      /against v1\.0\.0: linux\/amd64 536,576 B \(−4,096 B \(−0\.8 %\)\), linux\/arm64 600,000 B \(\+10,000 B \(\+1\.7 %\)\)/,
    );
    assert.match(hl, /Benchmark against v1\.0\.0: boot to ready 10 ms \(−2 ms, −16\.7 %\); memory 900 KiB \(\+36 KiB, \+4\.2 %\)/);
    assert.ok(lines.findIndex((l) => l.includes("Breaking")) < lines.findIndex((l) => l.includes("Size")));

    // Groups in order; chores folded; the compare link; first-time contributors.
    const order = ["### Features", "### Bug fixes", "### Reverts", "<summary>Other changes"].map((h) => md.indexOf(h));
    assert.ok(order.every((i) => i > 0));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.ok(md.includes(`- **tar:** stable mtime ([#12](${REPO_URL}/pull/12), [#34](${REPO_URL}/pull/34)) — Sora Aoi`));
    assert.ok(md.includes(`**Full changelog:** [v1.0.0...v1.1.0](${REPO_URL}/compare/v1.0.0...v1.1.0)`));
    assert.match(md, /### New contributors\n\n- Mika Mori made their first contribution \(\[#21\]/);
    assert.match(md, /bump yaml \(\[#50\]\([^)]+\)\) — dependabot \(bot\)/);

    const html = render(md);
    const text = visibleText(html);
    assert.deepEqual(
      [...text.matchAll(MENTION)].map((m) => m[0]),
      [],
      "no mention can ping",
    );
    assert.ok(text.includes("thanks @\u200dsomeone for <b>bold</b> a|b"), "the subject reads as written");
    assert.doesNotMatch(html, /<b>/, "HTML shows as text");
    // The size table keeps five cells in the row whose variant holds a "|".
    const row = /<tr>\s*<td>a\|b<\/td>([\s\S]*?)<\/tr>/.exec(html);
    assert.ok(row, html);
    assert.equal((row[0].match(/<td/g) ?? []).length, 5);
    assert.match(html, /<details>\s*<summary>Other changes \(\d+\)<\/summary>/);
  });

  it("PR authors from GitHub replace the git author; bots named as bots", async () => {
    const asked: number[] = [];
    const credited = await withPullAuthors(set, async (pr) => {
      asked.push(pr);
      if (pr === 21) return { login: "mika-m", type: "User" };
      if (pr === 50) return { login: "dependabot[bot]", type: "Bot" };
      return undefined;
    });
    assert.deepEqual(
      [...new Set(asked)].sort((a, b) => a - b),
      asked.sort((a, b) => a - b),
      "each PR asked once",
    );
    assert.equal(credited.changes.find((c) => c.subject === "reap zombies")!.author.login, "mika-m");
    const md = changesSection({ tag: "v1.1.0", previous: "v1.0.0", ...credited, repoUrl: REPO_URL }).join("\n");
    assert.match(md, /reap zombies \(\[#21\]\([^)]+\)\) — \[mika-m\]\(https:\/\/github\.com\/mika-m\)/);
    assert.match(md, /- \[mika-m\]\(https:\/\/github\.com\/mika-m\) made their first contribution/);
    assert.match(md, /bump yaml .* — dependabot \(bot\)/);
    assert.deepEqual(
      [...visibleText(render(md)).matchAll(MENTION)].map((m) => m[0]),
      [],
    );
  });

  it("a tag that does not exist is bad input; a dry run previews HEAD", async () => {
    await assert.rejects(collectChanges(fx.dir, "v9.9.9"), (e: unknown) => e instanceof UsageError && /does not exist/.test(e.message));
    const head = await collectChanges(fx.dir, "v1.2.0", { untaggedHead: true });
    assert.equal(head.rev, "HEAD");
    assert.equal(head.previous, "v1.1.0");
    assert.deepEqual(head.changes, []);
  });
});

describe("commit messages", () => {
  it("parses conventional headers, footers, squash suffixes and reverts", () => {
    const table: [string, Partial<ReturnType<typeof parseMessage>>][] = [
      ["feat(x): y", { type: "feat", scope: "x", subject: "y", bang: false, notes: [] }],
      ["FIX!: z", { type: "fix", bang: true, notes: ["z"] }],
      ["refactor: r (#12)", { type: "refactor", subject: "r", prs: [12] }],
      ["wibble wobble", { subject: "wibble wobble", notes: [] }],
      ["chore: c\n\nBREAKING-CHANGE: yes", { type: "chore", notes: ["yes"] }],
      [
        'Revert "feat: x (#3)" (#4)\n\nThis reverts commit abcdef1.',
        { revert: { sha: "abcdef1", header: "feat: x", depth: 1, original: "feat: x" }, prs: [4] },
      ],
    ];
    for (const [msg, want] of table) {
      const got = parseMessage(msg);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${msg}: ${k}`);
    }
    assert.equal(isReleaseCommit("chore(main): release 2.0.0"), true);
    assert.equal(isReleaseCommit("chore: release-please config"), false);
    assert.equal(formatDelta(100, undefined), "new");
    assert.equal(formatDelta(100, 100), "±0");
    assert.equal(formatDelta(110, 100), "+10 B (+10.0 %)");
  });
});

/**
 * The shapes real histories have, each a git fixture rendered and read as markdown: a squash whose
 * message holds its commits' list and three BREAKING CHANGE footers; a revert of a revert (the
 * change restored, within the range and across a release); a branch merged without a pull request
 * with cherry-picks onto the line (with and without `-x`); a subject with code spans; a bot GitHub
 * names by `type: Bot` alone.
 */
describe("release notes on real histories", () => {
  const RENOVATE = "Renovate Bot <bot@renovateapp.com>";
  const SQUASH = [
    "feat(config)!: one schema for every file (#61)",
    "",
    "* feat: variants in their own files",
    "",
    "BREAKING CHANGE: variants.yml is gone; each variant is `variants/NAME.yml`",
    "",
    "* fix: paths are relative to the config",
    "",
    "BREAKING CHANGE: paths in a config are relative to that file,",
    "not to the working directory",
    "",
    "* chore: tidy",
    "",
    "BREAKING-CHANGE: the `--variants` flag is now `--variant`",
    "",
    "Co-authored-by: Ken Ito <ken@example.com>",
  ].join("\n");
  let rx: GitFixture;
  const at: Record<string, string> = {};
  let real: ChangeSet;
  let md: string;
  let html: string;

  before(async () => {
    rx = gitFixture("kimigayo-history-");
    rx.commit("feat: first release");
    // A change and its revert, both released in 1.0.0 ...
    at.dhcp = rx.commit("feat(net): dhcp client", KEN);
    at.dhcpRevert = rx.revert(at.dhcp);
    rx.commit("chore(main): release 1.0.0");
    rx.git("tag", "v1.0.0");
    // ... brought back in 1.1.0 by reverting the revert.
    at.dhcpBack = rx.revert(at.dhcpRevert);
    // A change, its revert and the revert of that, all in 1.1.0.
    at.syslog = rx.commit("feat(log): syslog to stdout", MIKA);
    at.syslogRevert = rx.revert(at.syslog);
    at.syslogBack = rx.revert(at.syslogRevert);
    // A squash merge: its commits' list and three BREAKING CHANGE footers in one message.
    at.squash = rx.commit(SQUASH, KEN);
    // A branch merged without a pull request; two of its commits cherry-picked onto the line first.
    rx.git("checkout", "-q", "-b", "topic");
    at.sort = rx.commit("fix(tar): sort entries", SORA);
    at.mtime = rx.commit("feat(tar): an `--mtime` option", SORA);
    at.uid = rx.commit("fix(tar): no uid in names", SORA);
    rx.git("checkout", "-q", "main");
    rx.git("cherry-pick", "-x", at.sort);
    at.sortPicked = rx.git("rev-parse", "HEAD");
    rx.git("cherry-pick", at.uid);
    at.uidPicked = rx.git("rev-parse", "HEAD");
    rx.git("merge", "-q", "--no-ff", "topic", "-m", "Merge branch 'topic'");
    at.topicMerge = rx.git("rev-parse", "HEAD");
    // A bot whose name says nothing of it.
    rx.commit("chore(deps): bump zod (#70)", RENOVATE);
    rx.commit("chore(main): release 1.1.0");
    rx.git("tag", "v1.1.0");
    real = await withPullAuthors(await collectChanges(rx.dir, "v1.1.0"), async (pr) =>
      pr === 70 ? { login: "renovate", type: "Bot" } : pr === 61 ? { login: "ken-ito", type: "User" } : undefined,
    );
    md = renderNotes({
      version: "1.1.0",
      tag: "v1.1.0",
      previous: "v1.0.0",
      changes: real.changes,
      newContributors: real.newContributors,
      repoUrl: REPO_URL,
    });
    html = render(md);
  });
  after(() => rx.remove());

  const bySubject = (s: string) => real.changes.filter((c) => c.subject === s);
  /** The rendered list item that holds `text`, tags and all. */
  const item = (text: string) => {
    const m = new RegExp(`<li>(?:(?!<li>)[\\s\\S])*?${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\s\\S]*?</li>`).exec(html);
    assert.ok(m, `no list item with ${text} in\n${html}`);
    return m[0];
  };
  const section = (title: string) => {
    const from = html.indexOf(`<h3>${title}</h3>`);
    assert.ok(from >= 0, `no section ${title} in\n${html}`);
    const to = html.indexOf("<h3>", from + 1);
    return html.slice(from, to < 0 ? undefined : to);
  };

  it("every BREAKING CHANGE footer of a squash, each with only its own text", () => {
    const [c] = bySubject("one schema for every file");
    assert.ok(c, JSON.stringify(real.changes.map((x) => x.subject)));
    assert.deepEqual(c.breakingNotes, [
      "variants.yml is gone; each variant is `variants/NAME.yml`",
      "paths in a config are relative to that file,\nnot to the working directory",
      "the `--variants` flag is now `--variant`",
    ]);
    const hl = html.slice(html.indexOf("<h2>Highlights</h2>"), html.indexOf("<h2>Changes"));
    const breaking = /<li>⚠️ <strong>Breaking:<\/strong> <strong>config:<\/strong> one schema for every file[\s\S]*?<\/ul>\s*<\/li>/.exec(
      hl,
    );
    assert.ok(breaking, hl);
    assert.deepEqual(
      [...breaking[0].matchAll(/<li>([^<]*(?:<code>[^<]*<\/code>[^<]*)*)<\/li>/g)].map((m) => m[1]),
      [
        "variants.yml is gone; each variant is <code>variants/NAME.yml</code>",
        "paths in a config are relative to that file, not to the working directory",
        "the <code>--variants</code> flag is now <code>--variant</code>",
      ],
    );
    assert.doesNotMatch(hl, /paths are relative to the config|tidy|Co-authored-by/, "the squash's list is no part of a note");
  });

  it("a revert of a revert restores the change: under Features, not Reverts, within the range and across a release", () => {
    const features = section("Features");
    const dhcp = bySubject("dhcp client");
    assert.deepEqual(
      dhcp.map((c) => [c.type, c.scope, c.sha]),
      [["feat", "net", at.dhcpBack]],
      "released and reverted in 1.0.0, brought back in 1.1.0 by the revert's revert",
    );
    const syslog = bySubject("syslog to stdout");
    assert.deepEqual(
      syslog.map((c) => [c.type, c.scope, c.sha]),
      [["feat", "log", at.syslog]],
      "the change itself, its revert and the revert's revert gone",
    );
    assert.match(features, new RegExp(`<strong>net:</strong> dhcp client \\(<a href="${REPO_URL}/commit/${at.dhcpBack}">`));
    assert.match(features, new RegExp(`<strong>log:</strong> syslog to stdout \\(<a href="${REPO_URL}/commit/${at.syslog}">`));
    assert.ok(!real.changes.some((c) => c.type === "revert"), JSON.stringify(real.changes.map((x) => [x.type, x.subject])));
    assert.doesNotMatch(html, /Reverts|Revert &quot;|Revert “/);
  });

  it("a branch merged without a pull request: its commits linked to themselves; cherry-picked ones listed once", () => {
    const once = (s: string) => {
      const found = bySubject(s);
      assert.equal(found.length, 1, `${s}: ${JSON.stringify(found.map((c) => c.sha))}`);
      return found[0]!;
    };
    assert.equal(once("sort entries").sha, at.sortPicked, "picked with -x: the line's commit stays");
    assert.equal(once("no uid in names").sha, at.uidPicked, "picked without -x: the same patch");
    assert.equal(once("an `--mtime` option").sha, at.mtime);
    assert.ok(!real.changes.some((c) => c.sha === at.topicMerge), "no line links to the merge commit");
    assert.match(
      item("option"),
      new RegExp(
        `<strong>tar:</strong> an <code>--mtime</code> option \\(<a href="${REPO_URL}/commit/${at.mtime}">${at.mtime!.slice(0, 7)}</a>\\)`,
      ),
    );
    assert.equal((html.match(/sort entries/g) ?? []).length, 1);
    assert.equal((html.match(/no uid in names/g) ?? []).length, 1);
  });

  it("a bot known by GitHub's type: Bot alone is named a bot and is no new contributor", () => {
    const [bump] = bySubject("bump zod");
    assert.deepEqual([bump?.author.login, bump?.author.bot], ["renovate", true]);
    assert.match(item("bump zod"), /— renovate \(bot\)<\/li>/);
    assert.ok(!real.newContributors.some((a) => a.bot || /renovate/i.test(a.name)), JSON.stringify(real.newContributors));
    assert.deepEqual(
      real.newContributors.map((a) => a.name),
      ["Mika Mori", "Sora Aoi"],
    );
  });

  it("git ≥ 2.43 writes a revert of a revert as Reapply: read the same way", () => {
    const table: [string, { depth: number; original: string }][] = [
      ['Revert "feat: x"', { depth: 1, original: "feat: x" }],
      ['Revert "Revert "feat: x""', { depth: 2, original: "feat: x" }],
      ['Reapply "feat: x"', { depth: 2, original: "feat: x" }],
      ['Revert "Reapply "feat: x (#3)""', { depth: 3, original: "feat: x" }],
    ];
    for (const [header, want] of table) {
      const r = parseMessage(header).revert!;
      assert.deepEqual({ depth: r.depth, original: r.original }, want, header);
    }
  });
});
