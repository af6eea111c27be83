/**
 * Third-party action pins against .github/pinned-actions.json.
 *
 * Every `uses:` in .github/workflows/*.yml and action.yml that is not local (`./…`) must be
 * owner/repo[/path]@<40 hex> with a trailing `# vX.Y.Z` comment, and must appear in the record
 * with the same commit and tag. The record says, for each pin, the runs.using of the action.yml
 * at that commit, as read in a git mirror of the upstream repository; a pin on a runtime older
 * than node24 fails (GitHub removed node20 from its runners on 2026-09-16), and so does a record
 * that no workflow uses any more, so the file cannot drift into a list of stale claims.
 *
 * To move a pin: in a clone or mirror of the upstream repository,
 *   git rev-parse 'refs/tags/vX.Y.Z^{commit}'   (annotated tags dereferenced to the commit)
 *   git show <sha>:action.yml                    (runs.using)
 * then update the workflow line and its entry in the record together.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { isScalar, LineCounter, parseDocument, visit } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RECORD = ".github/pinned-actions.json";

export interface PinRecord {
  repository: string;
  tag: string;
  sha: string;
  runsUsing: string;
  checked: string;
  verifiedBy?: string;
}

export interface UsesRef {
  /** file:line, for messages */
  where: string;
  /** the whole `uses:` value */
  value: string;
  /** owner/repo (the path inside the repository dropped) */
  repository: string;
  ref: string;
  /** the trailing comment's text, trimmed; undefined when there is none */
  comment: string | undefined;
}

const SHA = /^[0-9a-f]{40}$/;
const VERSION = /^v\d+\.\d+\.\d+$/;
const ACTION = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9_.-]+)(?:\/[^@\s]+)?@(\S+)$/;

/** The runtimes GitHub's runners still have. Anything else (node12, node16, node20, …) fails. */
const CURRENT_RUNTIMES = new Set(["node24", "composite", "docker"]);

/** Every non-local `uses:` in one YAML file, with its line and trailing comment. */
export function collectUses(file: string, text: string): UsesRef[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
  const out: UsesRef[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== "uses") return;
      const node = pair.value;
      const line = isScalar(node) && node.range ? lineCounter.linePos(node.range[0]).line : "?";
      const where = `${file}:${line}`;
      if (!isScalar(node) || typeof node.value !== "string") {
        out.push({ where, value: String(node), repository: "", ref: "", comment: undefined });
        return;
      }
      const value = node.value.trim();
      if (value.startsWith("./")) return;
      const m = ACTION.exec(value);
      out.push({
        where,
        value,
        repository: m?.[1] ?? "",
        ref: m?.[2] ?? "",
        comment: node.comment?.trim(),
      });
    },
  });
  return out;
}

/** A runtime older than node24 (node12, node16, node20), or one GitHub does not document. */
export function outdatedRuntime(runsUsing: string): boolean {
  return !CURRENT_RUNTIMES.has(runsUsing);
}

/** Everything wrong with the pins and the record, as messages; empty when all is well. */
export function checkPins(uses: UsesRef[], records: PinRecord[]): string[] {
  const problems: string[] = [];
  for (const r of records) {
    const id = `${RECORD}: ${r.repository}@${r.tag}`;
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/.test(r.repository)) problems.push(`${id}: repository is not owner/repo`);
    if (!SHA.test(r.sha)) problems.push(`${id}: sha ${r.sha} is not a full 40-hex commit`);
    if (!VERSION.test(r.tag)) problems.push(`${id}: tag ${r.tag} is not vX.Y.Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.checked ?? "")) problems.push(`${id}: checked ${String(r.checked)} is not a date`);
    if (outdatedRuntime(r.runsUsing)) {
      problems.push(`${id}: runs.using ${r.runsUsing} is older than node24 (GitHub's runners no longer have it)`);
    }
  }
  const used = new Set<PinRecord>();
  for (const u of uses) {
    const at = `${u.where}: uses: ${u.value}`;
    if (!u.repository) {
      problems.push(`${at}: not owner/repo[/path]@ref`);
      continue;
    }
    if (!SHA.test(u.ref)) {
      problems.push(`${at}: the ref is not a full 40-hex commit SHA`);
      continue;
    }
    if (u.comment === undefined || !VERSION.test(u.comment)) {
      problems.push(`${at}: needs its version as a trailing comment (# vX.Y.Z), found ${JSON.stringify(u.comment ?? "")}`);
    }
    const record = records.find((r) => r.repository.toLowerCase() === u.repository.toLowerCase() && r.sha === u.ref);
    if (!record) {
      const other = records.filter((r) => r.repository.toLowerCase() === u.repository.toLowerCase());
      problems.push(
        `${at}: not in ${RECORD}` +
          (other.length ? ` (recorded for ${u.repository}: ${other.map((r) => `${r.sha} ${r.tag}`).join(", ")})` : ""),
      );
      continue;
    }
    used.add(record);
    if (u.comment !== undefined && u.comment !== record.tag) {
      problems.push(`${at}: the comment says ${u.comment}, the record says ${record.tag} for that commit`);
    }
  }
  for (const r of records) {
    if (!used.has(r)) problems.push(`${RECORD}: ${r.repository}@${r.tag} (${r.sha}) is no longer used by any workflow or action.yml`);
  }
  return problems;
}

function readRecords(): PinRecord[] {
  const data = JSON.parse(readFileSync(join(ROOT, RECORD), "utf8")) as { actions?: PinRecord[] };
  assert.ok(Array.isArray(data.actions), `${RECORD} has an "actions" list`);
  return data.actions;
}

function readAllUses(): UsesRef[] {
  const dir = join(ROOT, ".github/workflows");
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `.github/workflows/${f}`);
  files.push("action.yml");
  return files.flatMap((f) => collectUses(f, readFileSync(join(ROOT, f), "utf8")));
}

describe("pinned third-party actions", () => {
  it("every pin is a full SHA with its version, recorded with the same SHA and tag, on node24", () => {
    const uses = readAllUses();
    assert.ok(uses.length > 0, "no uses: found: the reader is broken");
    assert.deepEqual(checkPins(uses, readRecords()), []);
  });

  it("the record lists each action once, and the node24 moves are in place (login-action is gone: the action logs in itself)", () => {
    const records = readRecords();
    const names = records.map((r) => r.repository);
    assert.deepEqual(names, [...new Set(names)], "one entry per action repository");
    const majors = Object.fromEntries(records.map((r) => [r.repository, Number(/^v(\d+)/.exec(r.tag)?.[1])]));
    assert.ok(majors["docker/setup-qemu-action"]! >= 4, "docker/setup-qemu-action v4 or later");
    assert.ok(majors["docker/setup-buildx-action"]! >= 4, "docker/setup-buildx-action v4 or later");
    assert.ok(!("docker/login-action" in majors) || majors["docker/login-action"]! >= 4, "docker/login-action, if used again, v4 or later");
    assert.ok(majors["actions/upload-artifact"]! >= 6, "actions/upload-artifact v6 or later");
    assert.ok(majors["actions/download-artifact"]! >= 7, "actions/download-artifact v7 or later");
  });
});

describe("the pin check itself", () => {
  const sha = (c: string) => c.repeat(40);
  const record = (over: Partial<PinRecord> = {}): PinRecord => ({
    repository: "octo/act",
    tag: "v1.2.3",
    sha: sha("a"),
    runsUsing: "node24",
    checked: "2026-11-30",
    ...over,
  });
  const workflow = (line: string) => `on: push\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - ${line}\n      - uses: ./\n`;
  const uses = (line: string) => collectUses("w.yml", workflow(line));

  it("passes a good pin, and skips local actions", () => {
    const u = uses(`uses: octo/act@${sha("a")} # v1.2.3`);
    assert.equal(u.length, 1);
    assert.deepEqual(u[0], { where: "w.yml:6", value: `octo/act@${sha("a")}`, repository: "octo/act", ref: sha("a"), comment: "v1.2.3" });
    assert.deepEqual(checkPins(u, [record()]), []);
  });

  it("fails on a planted node20 record (and on node16, node12)", () => {
    const u = uses(`uses: octo/act@${sha("a")} # v1.2.3`);
    for (const old of ["node20", "node16", "node12"]) {
      const problems = checkPins(u, [record({ runsUsing: old })]);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0]!, new RegExp(`runs\\.using ${old} is older than node24`));
    }
    assert.deepEqual(checkPins(u, [record({ runsUsing: "composite" })]), []);
  });

  it("fails on a tag or short SHA instead of a full commit", () => {
    assert.match(checkPins(uses("uses: octo/act@v1 # v1.2.3"), [record()]).join("\n"), /not a full 40-hex commit SHA/);
    assert.match(checkPins(uses(`uses: octo/act@${sha("a").slice(0, 7)}`), [record()]).join("\n"), /not a full 40-hex/);
    assert.match(checkPins(uses("uses: docker://alpine:3.20"), []).join("\n"), /not owner\/repo\[\/path\]@ref/);
  });

  it("fails when the version comment is missing or malformed", () => {
    assert.match(checkPins(uses(`uses: octo/act@${sha("a")}`), [record()]).join("\n"), /needs its version as a trailing comment/);
    assert.match(checkPins(uses(`uses: octo/act@${sha("a")} # latest`), [record()]).join("\n"), /needs its version/);
  });

  it("fails when the pin is not recorded, or recorded with another SHA or tag", () => {
    assert.match(checkPins(uses(`uses: octo/act@${sha("a")} # v1.2.3`), []).join("\n"), /not in \.github\/pinned-actions\.json/);
    const otherSha = checkPins(uses(`uses: octo/act@${sha("b")} # v1.2.3`), [record()]).join("\n");
    assert.match(otherSha, /not in .*recorded for octo\/act: a{40} v1\.2\.3/);
    assert.match(
      checkPins(uses(`uses: octo/act@${sha("a")} # v1.2.4`), [record()]).join("\n"),
      /comment says v1\.2\.4, the record says v1\.2\.3/,
    );
  });

  it("fails on a record that nothing uses any more", () => {
    const u = uses(`uses: octo/act@${sha("a")} # v1.2.3`);
    const stale = record({ repository: "octo/gone", sha: sha("c") });
    assert.deepEqual(checkPins(u, [record(), stale]), [
      `${RECORD}: octo/gone@v1.2.3 (${sha("c")}) is no longer used by any workflow or action.yml`,
    ]);
  });

  it("reads reusable-workflow calls and sub-path actions as their repository", () => {
    const text = `jobs:\n  call:\n    uses: octo/act/.github/workflows/r.yml@${sha("a")} # v1.2.3\n  s:\n    steps:\n      - uses: octo/act/sub@${sha("a")} # v1.2.3\n`;
    const u = collectUses("r.yml", text);
    assert.deepEqual(
      u.map((x) => [x.where, x.repository]),
      [
        ["r.yml:3", "octo/act"],
        ["r.yml:6", "octo/act"],
      ],
    );
    assert.deepEqual(checkPins(u, [record()]), []);
  });
});
