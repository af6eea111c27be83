/**
 * A static security audit of .github/workflows, plus the checks that each workflow does what it
 * is for. Workflows are read with the `yaml` package (parseWorkflowYaml below); a file it cannot
 * read is reported, never half-read.
 *
 * The auditor (auditWorkflow) enforces, per GitHub's security hardening guide:
 * - top-level `permissions:` present, an explicit map, with no write scope (writes are granted per
 *   job, and only those a policy lists); never `write-all` / `read-all`;
 * - every non-local action pinned as owner/repo@<40 hex> with a trailing `# vX.Y.Z` comment;
 * - no `${{ }}` at all inside `run:` (or an actions/github-script `script:`): values reach
 *   scripts through `env:`;
 * - no `pull_request_target`; a `workflow_run` workflow checks out nothing and uses no local
 *   action; pull_request workflows use no secret (forks get none, and their checks must still run);
 * - every checkout sets persist-credentials: false.
 * The self-test feeds it bad workflows and expects each problem, so it cannot pass vacuously.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { getOctokit } from "@actions/github";
import { LineCounter, parseDocument, visit } from "yaml";
import {
  assertAllValid,
  PERMISSION_SCOPES as GITHUB_PERMISSION_SCOPES,
  startGitHubStandIn,
  type GitHubStandIn,
} from "../support/github-api.js";

// ---------------------------------------------------------------------------------------------
// A reader for the YAML of workflows
// ---------------------------------------------------------------------------------------------

type Yaml = string | null | Yaml[] | YamlMap;
interface YamlMap {
  [key: string]: Yaml;
}

const isMap = (v: Yaml | undefined): v is YamlMap => typeof v === "object" && v !== null && !Array.isArray(v);

class YamlError extends Error {}

/**
 * Reads a workflow with the `yaml` package. Every scalar but null is kept as the text it is
 * written as (`x: 1` is "1"), which is all the audit needs. Errors, and warnings other than the
 * harmless "flow end indicator" one, are refused as `file:line:column: message`, so a workflow
 * is never half-read.
 */
export function parseWorkflowYaml(text: string, file = "workflow.yml"): Yaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const problems = [...doc.errors, ...doc.warnings.filter((w) => !/^Flow end indicator/.test(w.message))];
  const first = problems.sort((a, b) => Number(a.code === "DUPLICATE_KEY") - Number(b.code === "DUPLICATE_KEY") || a.pos[0] - b.pos[0])[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    const key = /^[^\s:]+/.exec(text.slice(first.pos[0]))?.[0];
    const message =
      first.code === "DUPLICATE_KEY" ? `duplicate key ${key}` : first.message.charAt(0).toLowerCase() + first.message.slice(1);
    throw new YamlError(`${file}:${line}:${col}: ${message}`);
  }
  visit(doc, {
    Scalar: (_, node) => {
      if (node.value !== null && typeof node.value !== "string") node.value = node.source;
    },
  });
  return doc.toJS() as Yaml;
}

// ---------------------------------------------------------------------------------------------
// The auditor
// ---------------------------------------------------------------------------------------------

/** The scopes `permissions:` may name: the one list the GitHub stand-in enforces tokens by. */
const PERMISSION_SCOPES = new Set<string>(GITHUB_PERMISSION_SCOPES);

/**
 * Contexts an attacker can set (GitHub's security hardening guide, "Understanding the risk of
 * script injections"), and the outputs that may carry them. With the rule "no ${{ in run:" these
 * only make the message more pointed, but they are also checked where the rule does not reach.
 */
const UNTRUSTED_CONTEXTS: RegExp[] = [
  /github\.event\.(issue|pull_request|discussion)\.(title|body)/,
  /github\.event\.(comment|review|review_comment)\.body/,
  /github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)/,
  /github\.event\.commits(\[[^\]]*\]|\.\*)?\.(message|author\.(email|name))/,
  /github\.event\.head_commit\.(message|author\.(email|name))/,
  /github\.event\.pages(\[[^\]]*\]|\.\*)?\.page_name/,
  /github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author)|head_repository\.description|pull_requests)/,
  /github\.head_ref/,
  /\binputs\./,
  /\bsteps\.[^.\s]+\.outputs\./,
  /\bneeds\.[^.\s]+\.outputs\./,
];

const PINNED = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9_.-]+(?:\/[^@\s]+)?@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^#\s*v\d+\.\d+\.\d+$/;

export interface AuditPolicy {
  /** job id -> the scopes it may hold with write access; everything else must not write. */
  writes?: Record<string, string[]>;
}

interface Step {
  job: string;
  index: number;
  label: string;
  value: YamlMap;
}

function triggersOf(on: Yaml | undefined): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.filter((e): e is string => typeof e === "string");
  if (isMap(on)) return Object.keys(on);
  return [];
}

function stepsOf(jobs: YamlMap): Step[] {
  const out: Step[] = [];
  for (const [job, j] of Object.entries(jobs)) {
    if (!isMap(j) || !Array.isArray(j.steps)) continue;
    j.steps.forEach((s, index) => {
      if (!isMap(s)) return;
      const label = typeof s.name === "string" ? s.name : typeof s.uses === "string" ? s.uses : typeof s.id === "string" ? s.id : "";
      out.push({ job, index, label: `jobs.${job}.steps[${index}]${label ? ` (${label})` : ""}`, value: s });
    });
  }
  return out;
}

/** Effective permissions of each job: its own, else the workflow's. */
export function jobPermissions(doc: YamlMap): Record<string, Yaml> {
  const jobs = isMap(doc.jobs) ? doc.jobs : {};
  return Object.fromEntries(
    Object.entries(jobs).map(([id, j]) => [id, isMap(j) && j.permissions !== undefined ? j.permissions : (doc.permissions ?? null)]),
  );
}

/** Every problem of one workflow file, as "file: where: what". An empty list means it passed. */
export function auditWorkflow(file: string, text: string, policy: AuditPolicy = {}): string[] {
  const problems: string[] = [];
  const report = (where: string, what: string) => problems.push(`${file}: ${where}: ${what}`);
  let doc: Yaml;
  try {
    doc = parseWorkflowYaml(text, file);
  } catch (e) {
    report("yaml", (e as Error).message);
    return problems;
  }
  if (!isMap(doc)) {
    report("yaml", "the document is not a mapping");
    return problems;
  }

  const triggers = triggersOf(doc.on);
  if (triggers.length === 0) report("on", "no trigger");
  if (triggers.includes("pull_request_target")) {
    report("on", "pull_request_target runs with a write token and secrets next to the PR's code; use pull_request + workflow_run");
  }
  const privilegedBy = triggers.filter((t) => t === "workflow_run" || t === "pull_request_target").join("/");
  const privileged = privilegedBy !== "";

  const checkPermissions = (where: string, p: Yaml | undefined, allowedWrites: string[]): void => {
    if (typeof p === "string") {
      report(where, `permissions: ${p} grants every scope; list the scopes (contents: read)`);
      return;
    }
    if (!isMap(p)) {
      report(where, "permissions must be a map of scope: read|write|none");
      return;
    }
    for (const [scope, level] of Object.entries(p)) {
      if (!PERMISSION_SCOPES.has(scope)) report(where, `unknown permission scope ${scope}`);
      if (level !== "read" && level !== "write" && level !== "none") report(where, `${scope}: ${String(level)} is not read, write or none`);
      if (level === "write" && !allowedWrites.includes(scope)) report(where, `${scope}: write is broader than needed here`);
    }
  };

  if (doc.permissions === undefined) report("permissions", "no top-level permissions: the token would get the repository's defaults");
  else checkPermissions("permissions", doc.permissions, []);

  const jobs = isMap(doc.jobs) ? doc.jobs : {};
  if (Object.keys(jobs).length === 0) report("jobs", "no jobs");
  for (const [id, j] of Object.entries(jobs)) {
    if (!isMap(j)) {
      report(`jobs.${id}`, "not a mapping");
      continue;
    }
    if (j.permissions !== undefined) checkPermissions(`jobs.${id}.permissions`, j.permissions, policy.writes?.[id] ?? []);
    if (typeof j.uses === "string") checkUses(`jobs.${id}.uses`, j.uses);
  }

  function checkUses(where: string, uses: string): void {
    if (uses.startsWith("./")) {
      if (privileged) report(where, `local action ${uses} in a ${privilegedBy} workflow`);
    } else if (uses.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses)) report(where, `${uses} is not pinned by digest`);
    } else if (!PINNED.test(uses)) {
      report(where, `${uses} is not pinned as owner/repo@<40-hex commit SHA>`);
    }
  }

  const expressionProblems = (where: string, what: string, body: string) => {
    if (!body.includes("${{")) return;
    const untrusted = UNTRUSTED_CONTEXTS.filter((r) => r.test(body)).map((r) => r.exec(body)![0]);
    report(
      where,
      untrusted.length > 0
        ? `untrusted ${untrusted.join(", ")} expanded inside ${what}: pass it through env: and use "$VAR"`
        : `\${{ }} inside ${what}: pass values through env: and use "$VAR"`,
    );
  };

  for (const s of stepsOf(jobs)) {
    const uses = typeof s.value.uses === "string" ? s.value.uses : undefined;
    const run = typeof s.value.run === "string" ? s.value.run : undefined;
    const w = isMap(s.value.with) ? s.value.with : {};
    if (uses !== undefined) checkUses(s.label, uses);
    if (run !== undefined) expressionProblems(s.label, "run:", run);
    if (uses?.startsWith("actions/github-script@") && typeof w.script === "string")
      expressionProblems(s.label, "a github-script script:", w.script);
    if (uses?.startsWith("actions/checkout@")) {
      if (privileged) report(s.label, `checks out code in a ${privilegedBy} workflow, which must only read artifacts`);
      if (w["persist-credentials"] !== "false")
        report(s.label, "checkout without persist-credentials: false leaves the token in .git/config");
    }
    if (privileged && run !== undefined && /\bgit\s+(fetch|checkout|switch|pull|clone|worktree)\b|\bgh\s+pr\s+checkout\b/.test(run)) {
      report(s.label, `fetches or checks out code in a ${privilegedBy} workflow`);
    }
  }

  // The pins' version comments are not in the parsed value: read the uses: lines themselves.
  text.split("\n").forEach((line, n) => {
    const m = /^\s*(?:-\s+)?uses:\s*("[^"]*"|'[^']*'|\S+)\s*(#.*)?$/.exec(line);
    if (!m) return;
    const uses = m[1]!.replace(/^["']|["']$/g, "");
    if (uses.startsWith("./") || uses.startsWith("docker://")) return;
    if (!VERSION_COMMENT.test((m[2] ?? "").trim()))
      report(`line ${n + 1}`, `${uses} has no trailing "# vX.Y.Z" comment naming its release`);
  });

  if (triggers.includes("pull_request")) {
    const used = [...text.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!).filter((n) => n !== "GITHUB_TOKEN");
    if (used.length > 0) report("secrets", `a pull_request workflow uses secrets.${used.join(", secrets.")}, which forks do not get`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe("parseWorkflowYaml", () => {
  const cases: { name: string; text: string; value: Yaml }[] = [
    { name: "nested mappings", text: "a:\n  b:\n    c: 1\n  d: x\ne: y\n", value: { a: { b: { c: "1" }, d: "x" }, e: "y" } },
    { name: "sequence under a key, same indent", text: "k:\n- a\n- b\nz: 1\n", value: { k: ["a", "b"], z: "1" } },
    {
      name: "mappings in a sequence",
      text: "steps:\n  - uses: a/b@c # v1.2.3\n    with:\n      x: 1\n  - run: echo hi\n",
      value: { steps: [{ uses: "a/b@c", with: { x: "1" } }, { run: "echo hi" }] },
    },
    { name: "nested sequences", text: "- - a\n  - b\n- c\n", value: [["a", "b"], "c"] },
    { name: "comments and blank lines", text: "# top\n\na: 1 # one\n  # indented comment\nb: 'x # y'\n", value: { a: "1", b: "x # y" } },
    { name: "# inside a plain scalar stays", text: "a: x#y\n", value: { a: "x#y" } },
    { name: "quoted scalars and keys", text: `"on": "a: \\"b\\""\nq: 'it''s'\n`, value: { on: 'a: "b"', q: "it's" } },
    {
      name: "flow collections",
      text: 'a: [x, "y z", { k: v, l: [1, 2] }]\nb: {}\nc: []\n',
      value: { a: ["x", "y z", { k: "v", l: ["1", "2"] }], b: {}, c: [] },
    },
    { name: "expressions are plain text", text: "a: ${{ github.ref }}\n", value: { a: "${{ github.ref }}" } },
    { name: "empty values are null", text: "a:\nb: ~\n", value: { a: null, b: null } },
    {
      name: "literal block scalar keeps lines, deeper indent and inner blank lines",
      text: "run: |\n  one\n    two # not a comment\n\n  three\n\nnext: x\n",
      value: { run: "one\n  two # not a comment\n\nthree\n", next: "x" },
    },
    { name: "strip chomping", text: "a: |-\n  x\n  y\nb: 1\n", value: { a: "x\ny", b: "1" } },
    { name: "keep chomping", text: "a: |+\n  x\n\nb: 1\n", value: { a: "x\n\n", b: "1" } },
    { name: "folded block scalar", text: "if: >-\n  a &&\n  b\n", value: { if: "a && b" } },
    {
      name: "block scalar in a sequence item, then the next item",
      text: "steps:\n  - name: s\n    run: |\n      cat <<EOF\n      x\n      EOF\n  - run: y\n",
      value: { steps: [{ name: "s", run: "cat <<EOF\nx\nEOF\n" }, { run: "y" }] },
    },
    // Refused by the hand-written reader this file had; valid YAML, read as GitHub reads it.
    { name: "a multi-line plain scalar", text: "a: one\n  two\n", value: { a: "one two" } },
    { name: "an anchor and its alias", text: "a: &x 1\nb: *x\n", value: { a: "1", b: "1" } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseWorkflowYaml(c.text), c.value));

  const bad: { name: string; text: string; error: RegExp }[] = [
    { name: "a duplicate key", text: "a: 1\na: 2\n", error: /duplicate key a/ },
    {
      name: "an unterminated flow sequence",
      text: "a: [x, y\n",
      error: /t\.yml:2:1: flow sequence .* must be sufficiently indented and end with a \]/,
    },
    {
      name: "a line that is not key: value",
      text: "a: 1\njust text\n",
      error: /t\.yml:2:1: implicit map keys need to be followed by map values/,
    },
    { name: "tabs in indentation", text: "a:\n\tb: 1\n", error: /t\.yml:2:1: tabs are not allowed as indentation/ },
    { name: "two documents", text: "a: 1\n---\nb: 2\n", error: /t\.yml:2:1: source contains multiple documents/ },
  ];
  for (const c of bad) it(`refuses ${c.name}`, () => assert.throws(() => parseWorkflowYaml(c.text, "t.yml"), c.error));
});

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("auditWorkflow: self-test", () => {
  const good = `name: good
on:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@${SHA} # v5.0.0
        with:
          persist-credentials: false
      - name: greet
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: |
          echo "$TITLE"
`;

  it("passes a workflow that follows every rule", () => assert.deepEqual(auditWorkflow("good.yml", good), []));

  it("reports each problem of a bad pull_request workflow", () => {
    const bad = `name: bad
on: [pull_request, pull_request_target]
jobs:
  test:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@${SHA}
      - uses: docker://alpine:3
      - name: greet
        run: |
          echo "\${{ github.event.pull_request.title }}"
      - run: echo \${{ github.sha }}
      - env:
          TOKEN: \${{ secrets.NPM_TOKEN }}
        run: npm publish
`;
    const problems = auditWorkflow("bad.yml", bad);
    const expect: RegExp[] = [
      /^bad\.yml: on: pull_request_target/,
      /^bad\.yml: permissions: no top-level permissions/,
      /^bad\.yml: jobs\.test\.permissions: permissions: write-all grants every scope/,
      /^bad\.yml: jobs\.test\.steps\[0\] \(actions\/checkout@v4\): actions\/checkout@v4 is not pinned/,
      /^bad\.yml: jobs\.test\.steps\[0\] \(actions\/checkout@v4\): checks out code in a pull_request_target workflow/,
      /^bad\.yml: jobs\.test\.steps\[0\] \(actions\/checkout@v4\): checkout without persist-credentials: false/,
      /^bad\.yml: jobs\.test\.steps\[2\] \(docker:\/\/alpine:3\): docker:\/\/alpine:3 is not pinned by digest/,
      /^bad\.yml: jobs\.test\.steps\[3\] \(greet\): untrusted github\.event\.pull_request\.title expanded inside run:/,
      /^bad\.yml: jobs\.test\.steps\[4\]: \$\{\{ \}\} inside run:/,
      /^bad\.yml: line 8: actions\/checkout@v4 has no trailing "# vX\.Y\.Z" comment/,
      /^bad\.yml: line 9: actions\/setup-node@0123456789abcdef0123456789abcdef01234567 has no trailing "# vX\.Y\.Z" comment/,
      /^bad\.yml: secrets: a pull_request workflow uses secrets\.NPM_TOKEN/,
    ];
    for (const e of expect)
      assert.ok(
        problems.some((p) => e.test(p)),
        `expected a problem matching ${e}; got:\n${problems.join("\n")}`,
      );
    assert.equal(problems.length, expect.length, `unexpected problems:\n${problems.join("\n")}`);
  });

  it("reports writes at the top level and writes a job is not allowed", () => {
    const text = `on: push
permissions:
  contents: write
  packages: bogus
jobs:
  a:
    runs-on: ubuntu-24.04
    permissions:
      packages: write
      contents: write
      wishes: read
    steps:
      - run: "true"
`;
    assert.deepEqual(auditWorkflow("w.yml", text, { writes: { a: ["packages"] } }), [
      "w.yml: permissions: contents: write is broader than needed here",
      "w.yml: permissions: packages: bogus is not read, write or none",
      "w.yml: jobs.a.permissions: contents: write is broader than needed here",
      "w.yml: jobs.a.permissions: unknown permission scope wishes",
    ]);
  });

  it("reports checkouts, local actions, git fetches and expressions in scripts of a workflow_run workflow", () => {
    const text = `on:
  workflow_run:
    workflows: [x]
    types: [completed]
permissions:
  contents: read
jobs:
  c:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@${SHA} # v5.0.0
        with:
          ref: \${{ github.event.workflow_run.head_sha }}
          persist-credentials: false
      - uses: ./
      - run: git fetch origin "$HEAD" && git checkout FETCH_HEAD
      - uses: actions/github-script@${SHA} # v8.0.0
        with:
          script: console.log("\${{ github.event.workflow_run.head_branch }}")
`;
    assert.deepEqual(auditWorkflow("wr.yml", text), [
      "wr.yml: jobs.c.steps[0] (actions/checkout@0123456789abcdef0123456789abcdef01234567): checks out code in a workflow_run workflow, which must only read artifacts",
      "wr.yml: jobs.c.steps[1] (./): local action ./ in a workflow_run workflow",
      "wr.yml: jobs.c.steps[2]: fetches or checks out code in a workflow_run workflow",
      'wr.yml: jobs.c.steps[3] (actions/github-script@0123456789abcdef0123456789abcdef01234567): untrusted github.event.workflow_run.head_branch expanded inside a github-script script:: pass it through env: and use "$VAR"',
    ]);
  });

  it("reports a file it cannot read instead of passing it", () => {
    assert.deepEqual(auditWorkflow("broken.yml", "on: push\njobs:\n  a:\n    steps: [\n"), [
      "broken.yml: yaml: broken.yml:5:1: flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// This repository's workflows
// ---------------------------------------------------------------------------------------------

const WORKFLOWS_DIR = fileURLToPath(new URL("../../.github/workflows/", import.meta.url));
const workflowFiles = readdirSync(WORKFLOWS_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const texts = new Map(workflowFiles.map((f) => [f, readFileSync(join(WORKFLOWS_DIR, f), "utf8")]));
const docs = new Map(workflowFiles.map((f) => [f, parseWorkflowYaml(texts.get(f)!, f) as YamlMap]));
const doc = (f: string): YamlMap => {
  const d = docs.get(f);
  assert.ok(d, `.github/workflows/${f} is missing`);
  return d;
};

/** The writes each job may hold; every other job of every workflow holds none. */
const POLICY: Record<string, AuditPolicy> = {
  "pr-size-comment.yml": { writes: { comment: ["pull-requests"] } },
  "release.yml": {
    writes: {
      build: ["packages"],
      merge: ["packages"],
      release: ["contents", "packages", "id-token", "attestations"],
      major: ["contents"],
      changelog: ["contents"],
    },
  },
};

/** Exactly the permissions each job ends up with. */
const EXPECTED_PERMISSIONS: Record<string, Record<string, YamlMap>> = {
  "ci.yml": Object.fromEntries(["lint", "check-dist", "unit", "e2e", "buildx", "action"].map((j) => [j, { contents: "read" }])),
  "pr-size-budget.yml": { "size-check": { contents: "read" } },
  "pr-size-comment.yml": { comment: { actions: "read", "pull-requests": "write" } },
  "release.yml": {
    build: { contents: "read", packages: "write" },
    merge: { contents: "read", packages: "write" },
    release: { contents: "write", packages: "write", "id-token": "write", attestations: "write", "pull-requests": "read" },
    major: { contents: "write" },
    changelog: { contents: "write" },
  },
};

const jobOf = (f: string, id: string): YamlMap => {
  const jobs = doc(f).jobs;
  assert.ok(isMap(jobs) && isMap(jobs[id]), `${f}: no job ${id}`);
  return jobs[id];
};
const stepsIn = (f: string, job: string): YamlMap[] => {
  const s = jobOf(f, job).steps;
  assert.ok(Array.isArray(s), `${f}: jobs.${job}.steps`);
  return s.filter(isMap);
};
const runsIn = (f: string, job: string): string =>
  stepsIn(f, job)
    .map((s) => (typeof s.run === "string" ? s.run : ""))
    .join("\n");
const stepUsing = (f: string, job: string, action: string): YamlMap => {
  const s = stepsIn(f, job).find((x) => typeof x.uses === "string" && x.uses.startsWith(`${action}@`));
  assert.ok(s, `${f}: jobs.${job} does not use ${action}`);
  return s;
};

/** Lines of a job's run: scripts that prepare apt by hand (its sources, architectures, repositories): doctor --fix's work. */
const APT_BY_HAND = /\/etc\/apt\/|ubuntu-ports|add-apt-repository|dpkg --add-architecture/;
const aptByHand = (f: string, job: string): string[] =>
  runsIn(f, job)
    .split("\n")
    .filter((line) => APT_BY_HAND.test(line));

describe("the repository's workflows", () => {
  it("are the CI, PR size budget, PR size comment and release workflows", () => {
    assert.deepEqual(workflowFiles, ["ci.yml", "pr-size-budget.yml", "pr-size-comment.yml", "release.yml"]);
  });

  for (const f of workflowFiles) {
    it(`${f} passes the audit`, () => assert.deepEqual(auditWorkflow(f, texts.get(f)!, POLICY[f]), []));

    it(`${f}: top-level permissions are contents: read, and each job holds exactly what it needs`, () => {
      assert.deepEqual(doc(f).permissions, { contents: "read" });
      assert.deepEqual(jobPermissions(doc(f)), EXPECTED_PERMISSIONS[f]);
    });

    it(`${f}: no run: step writes apt's sources by hand (doctor --fix adds Ubuntu's ports mirror itself)`, () => {
      for (const job of Object.keys(doc(f).jobs as YamlMap)) assert.deepEqual(aptByHand(f, job), [], `${f} jobs.${job}`);
    });

    it(`${f}: every run: script is valid bash`, () => {
      for (const job of Object.keys(doc(f).jobs as YamlMap)) {
        for (const s of stepsIn(f, job)) {
          if (typeof s.run !== "string") continue;
          const r = spawnSync("bash", ["-n"], { input: s.run, encoding: "utf8" });
          assert.equal(r.status, 0, `${f} jobs.${job} ${String(s.name ?? s.run)}: ${r.stderr}`);
        }
      }
    });
  }

  it("pin each action to one commit everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const text of texts.values()) {
      for (const m of text.matchAll(/uses:\s*([^@\s"']+)@([0-9a-f]{40})\s*#\s*(v\S+)/g)) {
        const set = pins.get(m[1]!) ?? new Set<string>();
        set.add(`${m[2]} ${m[3]}`);
        pins.set(m[1]!, set);
      }
    }
    const recorded = (
      JSON.parse(readFileSync(join(WORKFLOWS_DIR, "..", "pinned-actions.json"), "utf8")) as { actions: { repository: string }[] }
    ).actions
      .map((a) => a.repository)
      .sort();
    assert.deepEqual([...pins.keys()].sort(), recorded, "the pins found are the recorded ones");
    for (const [action, set] of pins) assert.equal(set.size, 1, `${action} is pinned to several commits: ${[...set].join(", ")}`);
  });
});

describe("ci.yml", () => {
  const f = "ci.yml";
  it("runs the action itself (uses: ./) for build and size-check on both runner architectures, then the CLI it put on PATH", () => {
    const job = jobOf(f, "action");
    const include = ((job.strategy as YamlMap).matrix as YamlMap).include as YamlMap[];
    assert.deepEqual(
      include.map((m) => [m.runner, m.platform]),
      [
        ["ubuntu-24.04", "linux/amd64"],
        ["ubuntu-24.04-arm", "linux/arm64"],
      ],
    );
    const steps = stepsIn(f, "action");
    const commands = steps.filter((s) => s.uses === "./").map((s) => (s.with as YamlMap).command);
    assert.deepEqual(commands, ["build", "size-check"]);
    assert.equal((steps.find((s) => s.uses === "./")!.with as YamlMap).platforms, "${{ matrix.platform }}");
    assert.equal(steps.at(-1)?.run, "kimigayo doctor --only build-tools");
  });
  it("runs on pushes to main and on pull requests", () => {
    assert.deepEqual(doc(f).on, { push: { branches: ["main"] }, pull_request: null });
  });
  it("has the jobs lint, check-dist, unit, e2e, buildx and action", () => {
    assert.deepEqual(Object.keys(doc(f).jobs as YamlMap), ["lint", "check-dist", "unit", "e2e", "buildx", "action"]);
  });
  it("lint, check-dist and unit run the package scripts after npm ci", () => {
    assert.match(runsIn(f, "lint"), /npm ci[^\n]*\nnpm run lint\nnpm run typecheck/);
    assert.match(runsIn(f, "check-dist"), /npm ci[^\n]*\nnpm run check-dist/);
    assert.match(runsIn(f, "unit"), /npm ci[^\n]*\nnpm run test:unit/);
  });
  it("e2e prepares the machine as root with doctor --fix, then runs the suite as root on ubuntu-24.04", () => {
    assert.equal(jobOf(f, "e2e")["runs-on"], "ubuntu-24.04");
    const runs = runsIn(f, "e2e");
    const doctor = runs.indexOf('sudo -E env "PATH=$PATH" node dist/cli/index.js doctor --fix');
    const e2e = runs.indexOf('sudo -E env "PATH=$PATH" npm run test:e2e');
    assert.ok(doctor >= 0 && e2e > doctor, runs);
    // Nothing between npm ci and doctor --fix: doctor itself adds Ubuntu's ports mirror for arm64.
    assert.match(runs, /npm ci[^\n]*\nsudo -E env "PATH=\$PATH" node dist\/cli\/index\.js doctor --fix\n/);
    assert.deepEqual(aptByHand(f, "e2e"), []);
  });
  it("buildx sets up QEMU and buildx, runs the buildx test on that builder and fails when it is skipped", () => {
    const steps = stepsIn(f, "buildx");
    const at = (action: string) => steps.findIndex((s) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));
    const test = steps.findIndex((s) => typeof s.run === "string" && s.run.includes("test/e2e/buildx.test.ts"));
    assert.ok(
      at("docker/setup-qemu-action") >= 0 &&
        at("docker/setup-buildx-action") > at("docker/setup-qemu-action") &&
        test > at("docker/setup-buildx-action"),
    );
    const run = steps[test]!;
    assert.match(String(run.run), /node --import tsx --test/);
    assert.match(String(run.run), /skipped/);
    assert.deepEqual(run.env, { BUILDX_BUILDER: `\${{ steps.${String(steps[at("docker/setup-buildx-action")]!.id)}.outputs.name }}` });
  });
});

describe("pr-size-budget.yml", () => {
  const f = "pr-size-budget.yml";
  it("runs on pull_request only, with contents: read only", () => {
    assert.deepEqual(doc(f).on, { pull_request: null });
    assert.deepEqual(doc(f).permissions, { contents: "read" });
    assert.equal(jobOf(f, "size-check").permissions, undefined);
  });
  it("builds, then runs size-check against the last release's size report (read with the job's read-only token) whose failure fails the job, both with the action itself", () => {
    const steps = stepsIn(f, "size-check");
    const build = steps.findIndex((s) => s.uses === "./" && (s.with as YamlMap).command === "build");
    const check = steps.findIndex((s) => s.uses === "./" && (s.with as YamlMap).command === "size-check");
    assert.ok(build >= 0 && check > build);
    assert.deepEqual(steps[build]!.with, { command: "build", engine: "oci" });
    assert.deepEqual(
      steps[check]!.with,
      { command: "size-check", baseline: "last-release-report" },
      "fail-on-budget stays true; a report baseline, so the comment names the options behind the change",
    );
    assert.deepEqual(
      steps[check]!.env,
      { GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" },
      "the read-only token reads the baseline through the environment; as the github-token input it would ask for a comment",
    );
    assert.deepEqual(doc(f).permissions, { contents: "read" }, "the token only reads: the comment is pr-size-comment.yml's");
    assert.equal(steps[check]!["continue-on-error"], undefined);
    assert.equal(steps[check]!.if, undefined);
    assert.doesNotMatch(runsIn(f, "size-check"), /kimigayo|npx|npm |sudo/, "no CLI and no setup by hand");
  });
  it("records the PR number through env, and uploads it with the report even when the check failed", () => {
    const steps = stepsIn(f, "size-check");
    const record = steps.find((s) => typeof s.run === "string" && s.run.includes("pr-number"));
    assert.ok(record);
    assert.deepEqual(record.env, { PR_NUMBER: "${{ github.event.pull_request.number }}" });
    assert.ok(steps.indexOf(record) < steps.findIndex((s) => s.uses === "./"), "recorded before the build");
    const upload = stepUsing(f, "size-check", "actions/upload-artifact");
    assert.equal(upload.if, "${{ !cancelled() }}");
    const w = upload.with as YamlMap;
    assert.equal(w.name, "size-report");
    // Uploaded from out/, so the artifact holds the files at its root, where pr-size-comment.yml reads them.
    assert.deepEqual(String(w.path).trim().split("\n"), ["out/pr-number", "out/size-report.json", "out/size-report.md"]);
  });
});

describe("pr-size-comment.yml", () => {
  const f = "pr-size-comment.yml";
  it("runs when the PR size budget workflow completes", () => {
    assert.deepEqual(doc(f).on, { workflow_run: { workflows: [doc("pr-size-budget.yml").name as string], types: ["completed"] } });
    assert.match(String(jobOf(f, "comment").if), /github\.event\.workflow_run\.event == 'pull_request'/);
  });
  it("downloads the artifact of that run with run-id and github-token, and never checks out code", () => {
    const w = stepUsing(f, "comment", "actions/download-artifact").with as YamlMap;
    assert.equal(w.name, "size-report");
    assert.equal(w["run-id"], "${{ github.event.workflow_run.id }}");
    assert.equal(w["github-token"], "${{ secrets.GITHUB_TOKEN }}");
    assert.ok(!texts.get(f)!.includes("actions/checkout"));
    assert.ok(stepsIn(f, "comment").every((s) => s.run === undefined));
  });

  describe("its github-script, run against the GitHub stand-in", () => {
    const owner = "kimigayo";
    const repo = "build-action";
    const HEAD = "a".repeat(40);
    const step = stepUsing(f, "comment", "actions/github-script");
    const script = String((step.with as YamlMap).script);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...a: unknown[]) => Promise<void>;
    const body = new AsyncFunction("require", "github", "context", "core", script);

    let gh: GitHubStandIn;
    before(async () => {
      gh = await startGitHubStandIn({ token: "ghs_comment", login: "github-actions[bot]" });
    });
    after(() => gh.close());

    /** Runs the script on an artifact of these files; returns what it reported through core. */
    async function runScript(files: Record<string, string>, run: { conclusion?: string; head_sha?: string } = {}) {
      const art = mkdtempSync(join(tmpdir(), "kimigayo-size-artifact-"));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(art, name), text);
      const log: { failed: string[]; warnings: string[]; info: string[] } = { failed: [], warnings: [], info: [] };
      const core = {
        setFailed: (m: string) => log.failed.push(m),
        warning: (m: string) => log.warnings.push(m),
        info: (m: string) => log.info.push(m),
      };
      const context = {
        repo: { owner, repo },
        payload: {
          workflow_run: {
            id: 42,
            event: "pull_request",
            conclusion: run.conclusion ?? "success",
            head_sha: run.head_sha ?? HEAD,
            html_url: `https://github.com/${owner}/${repo}/actions/runs/42`,
          },
        },
      };
      const github = getOctokit("ghs_comment", { baseUrl: gh.url, request: { fetch: globalThis.fetch } });
      const saved = process.env.REPORT_DIR;
      process.env.REPORT_DIR = art;
      try {
        await body(createRequire(import.meta.url), github, context, core);
      } finally {
        if (saved === undefined) delete process.env.REPORT_DIR;
        else process.env.REPORT_DIR = saved;
        rmSync(art, { recursive: true, force: true });
      }
      return log;
    }

    const comments = (n: number) => gh.state.comments.filter((c) => c.issue_number === n);

    it("refuses a PR number that is not an integer, before any request", async () => {
      for (const bad of ["7; rm -rf /", "-1", "0", "1e3", "12abc", "", "${{ github.token }}"]) {
        const before = gh.requests.length;
        const log = await runScript({ "pr-number": bad, "size-report.md": "x" });
        assert.equal(log.failed.length, 1, bad);
        assert.match(log.failed[0]!, /not a pull request number/);
        assert.equal(gh.requests.length, before, `no request for ${JSON.stringify(bad)}`);
      }
    });

    it("creates the sticky comment, then updates it in place", async () => {
      gh.seedPull({ owner, repo, number: 7, head_sha: HEAD });
      gh.seedComment({ owner, repo, issue_number: 7, body: "<!-- kimigayo-size-check --> quoted by a person", user: "someone" });
      let log = await runScript({ "pr-number": "7\n", "size-report.md": "| variant | size |\n|---|---|\n| minimal | 240 kB |\n" });
      assert.deepEqual(log.failed, []);
      const mine = () => comments(7).filter((c) => c.user === "github-actions[bot]");
      assert.equal(mine().length, 1);
      assert.ok(mine()[0]!.body.startsWith("<!-- kimigayo-size-check -->\n| variant | size |"), mine()[0]!.body);
      assert.match(
        mine()[0]!.body,
        /Size budget passed for aaaaaaa \(\[run\]\(https:\/\/github\.com\/kimigayo\/build-action\/actions\/runs\/42\)\)/,
      );

      log = await runScript({ "pr-number": "7", "size-report.md": "| minimal | 260 kB | ❌ |" }, { conclusion: "failure" });
      assert.deepEqual(log.failed, []);
      assert.equal(mine().length, 1, "updated, not a second comment");
      assert.match(mine()[0]!.body, /260 kB/);
      assert.match(mine()[0]!.body, /Size budget failed/);
      assert.equal(comments(7).find((c) => c.user === "someone")!.body, "<!-- kimigayo-size-check --> quoted by a person");
      assertAllValid(gh);
    });

    it("comments on a build that produced no report", async () => {
      gh.seedPull({ owner, repo, number: 8, head_sha: HEAD });
      const log = await runScript({ "pr-number": "8" }, { conclusion: "failure" });
      assert.deepEqual(log.failed, []);
      assert.match(comments(8)[0]!.body, /did not produce a report/);
    });

    it("does not comment on a PR whose head is not the commit that was checked", async () => {
      gh.seedPull({ owner, repo, number: 9, head_sha: "b".repeat(40) });
      const log = await runScript({ "pr-number": "9", "size-report.md": "spoofed" });
      assert.deepEqual(log.failed, []);
      assert.match(log.warnings[0] ?? "", /not commenting: #9 is at b{40}/);
      assert.deepEqual(comments(9), []);
      assertAllValid(gh);
    });

    it("keeps one marker and truncates a report too long for a comment", async () => {
      gh.seedPull({ owner, repo, number: 10, head_sha: HEAD });
      const log = await runScript({ "pr-number": "10", "size-report.md": `<!-- kimigayo-size-check -->${"x".repeat(70000)}` });
      assert.deepEqual(log.failed, []);
      const c = comments(10)[0]!;
      assert.equal(c.body.split("<!-- kimigayo-size-check -->").length, 2);
      assert.ok(c.body.length <= 65536, `${c.body.length} characters`);
      assert.match(c.body, /truncated/);
    });
  });
});

describe("release.yml", () => {
  const f = "release.yml";
  /** The `uses: ./` step of a job with this command (the action itself). */
  const actionStep = (job: string, command: string): YamlMap => {
    const s = stepsIn(f, job).find((x) => x.uses === "./" && isMap(x.with) && x.with.command === command);
    assert.ok(s, `${f}: jobs.${job} has no uses: ./ step with command: ${command}`);
    return s;
  };
  const withOf = (s: YamlMap): YamlMap => s.with as YamlMap;

  it("runs on vX.Y.Z tags only: a bare vX (the action's moving major tag) is not an image release", () => {
    assert.deepEqual(doc(f).on, { push: { tags: ["v*.*.*"] } });
  });

  it("builds each platform on its native runner", () => {
    const build = jobOf(f, "build");
    assert.equal(build["runs-on"], "${{ matrix.runner }}");
    const include = ((build.strategy as YamlMap).matrix as YamlMap).include as YamlMap[];
    assert.deepEqual(
      include.map((m) => [m.platform, m.runner]),
      [
        ["linux/amd64", "ubuntu-24.04"],
        ["linux/arm64", "ubuntu-24.04-arm"],
      ],
    );
  });

  it("every job's main steps are the action itself (uses: ./), never npx or a second copy of the CLI", () => {
    for (const job of ["build", "merge", "release"]) {
      assert.ok(
        stepsIn(f, job).some((s) => s.uses === "./"),
        `${job} runs the action`,
      );
      assert.doesNotMatch(
        runsIn(f, job),
        /kimigayo (build|size-check|bench|publish|merge|release|doctor)|npx|npm (ci|install)|node /,
        `${job}: no CLI in run: steps`,
      );
    }
  });

  it("build: build, size-check, push by digest with a native smoke test, then a native benchmark; uploads build.json, rootfs, SBOMs, digests and benchmark.json", () => {
    const steps = stepsIn(f, "build");
    const build = actionStep("build", "build");
    const size = actionStep("build", "size-check");
    const publish = actionStep("build", "publish");
    const bench = actionStep("build", "bench");
    assert.ok(steps.indexOf(build) < steps.indexOf(size) && steps.indexOf(size) < steps.indexOf(publish));
    assert.ok(steps.indexOf(publish) < steps.indexOf(bench));
    assert.deepEqual(withOf(bench), {
      command: "bench",
      "bench-runs": "${{ vars.KIMIGAYO_BENCH_RUNS || '5' }}",
      only: "${{ vars.KIMIGAYO_BENCH_CASES || 'startup,boot,memory' }}",
    });
    assert.deepEqual(withOf(build), { command: "build", platforms: "${{ matrix.platform }}", engine: "oci" });
    assert.deepEqual(withOf(publish), {
      command: "publish",
      "by-digest": "true",
      smoke: "true",
      platforms: "${{ matrix.platform }}",
      image: "${{ steps.image.outputs.name }}",
      username: "${{ github.actor }}",
      password: "${{ secrets.GITHUB_TOKEN }}",
    });
    const upload = stepUsing(f, "build", "actions/upload-artifact").with as YamlMap;
    assert.equal(upload.name, "build-${{ matrix.arch }}");
    assert.deepEqual(String(upload.path).trim().split("\n"), [
      "out/build.json",
      "out/rootfs/",
      "out/sbom/",
      "out/digests/",
      "out/bench/benchmark.json",
    ]);
    assert.ok(steps.indexOf(stepUsing(f, "build", "actions/upload-artifact")) > steps.indexOf(bench));
    assert.equal(upload.overwrite, "true", "a re-run of the job replaces its artifact instead of failing on the name");
  });

  for (const job of ["build", "merge", "release"]) {
    it(`${job}: the image name is lower-cased from the owner in bash, not in an expression`, () => {
      const step = stepsIn(f, job).find((s) => s.id === "image");
      assert.equal(step?.run, 'echo "name=ghcr.io/${OWNER,,}/kimigayo" >> "$GITHUB_OUTPUT"');
      assert.deepEqual(step?.env, { OWNER: "${{ github.repository_owner }}" });
    });
  }

  it("merge: after every build, merges the downloaded digests into each index, defers the tags to the release job, and uploads published.json", () => {
    const merge = jobOf(f, "merge");
    assert.equal(merge.needs, "build");
    assert.deepEqual(stepUsing(f, "merge", "actions/download-artifact").with, { pattern: "build-*", path: "artifacts" });
    assert.equal((stepUsing(f, "merge", "actions/checkout").with as YamlMap)["fetch-depth"], "0");
    assert.deepEqual(withOf(actionStep("merge", "merge")), {
      command: "merge",
      digests: "artifacts",
      out: "merged",
      "defer-tags": "true",
      image: "${{ steps.image.outputs.name }}",
      username: "${{ github.actor }}",
      password: "${{ secrets.GITHUB_TOKEN }}",
    });
    assert.deepEqual(stepUsing(f, "merge", "actions/upload-artifact").with, {
      name: "published",
      path: "merged/published.json",
      "if-no-files-found": "error",
      "retention-days": "1",
      overwrite: "true",
    });
  });

  it("release: after the merge, from the artifacts and published.json, without building; it attests (id-token, attestations and packages: write) and releases (contents: write)", () => {
    const release = jobOf(f, "release");
    assert.equal(release.needs, "merge");
    assert.deepEqual(stepUsing(f, "release", "actions/download-artifact").with, { pattern: "{build-*,published}", path: "artifacts" });
    assert.deepEqual(withOf(actionStep("release", "release")), {
      command: "release",
      tag: "${{ github.ref_name }}",
      image: "${{ steps.image.outputs.name }}",
      "from-published": "artifacts",
      username: "${{ github.actor }}",
      password: "${{ secrets.GITHUB_TOKEN }}",
      "github-token": "${{ secrets.GITHUB_TOKEN }}",
    });
    assert.ok(!stepsIn(f, "release").some((s) => isMap(s.with) && s.with.command === "build"));
  });

  it("only the release job, which attests, can mint an OIDC token or write attestations", () => {
    for (const [job, p] of Object.entries(jobPermissions(doc(f)))) {
      const scopes = isMap(p) ? p : {};
      const attests = job === "release";
      assert.equal(scopes["id-token"], attests ? "write" : undefined, `jobs.${job}: id-token`);
      assert.equal(scopes.attestations, attests ? "write" : undefined, `jobs.${job}: attestations`);
    }
  });

  it("major: only for a stable release, moves the plain tag vX to the release's tree without .github/workflows (the release commit its parent) with the token as a header", () => {
    const major = jobOf(f, "major");
    assert.equal(major.needs, "release");
    assert.equal(major.if, "${{ !contains(github.ref_name, '-') }}");
    const run = runsIn(f, "major");
    assert.match(run, /major="\$\{GITHUB_REF_NAME%%\.\*\}"/);
    // What the runner does with it (GitHub refusing the release commit itself) is test/e2e/major-tag.test.ts's.
    assert.match(run, /git rm -r -q --cached --ignore-unmatch -- \.github\/workflows/);
    assert.match(run, /git commit-tree "\$tree" -p "\$GITHUB_SHA"/);
    assert.match(run, /git tag --force "\$major" "\$commit"/);
    assert.match(run, /git -c "http\.extraheader=AUTHORIZATION: basic \$auth" push --force origin "refs\/tags\/\$major"/);
    assert.doesNotMatch(run, /release create|gh release/, "the moving major is a tag, never a release");
  });

  it("changelog: only for a stable release, after it, writes CHANGELOG.md on the default branch with the action and pushes it there with the token as a header", () => {
    const job = jobOf(f, "changelog");
    assert.equal(job.needs, "release");
    assert.equal(job.if, "${{ !contains(github.ref_name, '-') }}");
    const checkout = stepUsing(f, "changelog", "actions/checkout").with as YamlMap;
    assert.deepEqual(checkout, {
      ref: "${{ github.event.repository.default_branch }}",
      "fetch-depth": "0",
      "persist-credentials": "false",
    });
    assert.deepEqual(withOf(actionStep("changelog", "changelog")), { command: "changelog", tag: "${{ github.ref_name }}" });
    const steps = stepsIn(f, "changelog");
    const push = steps.find((s) => typeof s.run === "string" && s.run.includes("push"));
    assert.ok(push && steps.indexOf(push) > steps.indexOf(actionStep("changelog", "changelog")));
    assert.deepEqual(push.env, { TOKEN: "${{ secrets.GITHUB_TOKEN }}", BRANCH: "${{ github.event.repository.default_branch }}" });
    const run = String(push.run);
    assert.match(run, /git diff --cached --quiet -- CHANGELOG\.md/, "a re-run with nothing new commits nothing");
    assert.match(run, /commit -m "chore\(release\): CHANGELOG for \$GITHUB_REF_NAME" -- CHANGELOG\.md/, "the notes leave this commit out");
    assert.match(run, /git -c "http\.extraheader=AUTHORIZATION: basic \$auth" push origin "HEAD:refs\/heads\/\$BRANCH"/);
    assert.doesNotMatch(run, /--force|git config/, "never forced; the token never stored");
  });

  it("the with: values of every uses: ./ step are inputs action.yml declares", () => {
    const actionYml = fileURLToPath(new URL("../../action.yml", import.meta.url));
    const declared = Object.keys((parseWorkflowYaml(readFileSync(actionYml, "utf8"), "action.yml") as YamlMap).inputs as YamlMap);
    for (const job of Object.keys(doc(f).jobs as YamlMap)) {
      for (const s of stepsIn(f, job).filter((x) => x.uses === "./")) {
        for (const k of Object.keys(withOf(s)))
          assert.ok(declared.includes(k), `${f} jobs.${job}: with.${k} is not an input of action.yml`);
      }
    }
  });
});
