/**
 * The runner harness's ${{ }} evaluator (test/support/runner.ts) as a table: what GitHub's
 * expression language gives for the forms the workflows use, and a throw, naming the
 * expression, for every form it does not support.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate, evaluateIf, evaluateTemplate, interpolate, matrixOf, parseFileCommand, inputVariables } from "../support/runner.js";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const contexts = {
  github: {
    event_name: "push",
    ref: "refs/tags/v2.1.0",
    ref_name: "v2.1.0",
    repository_owner: "Octo-Org",
    event: { pull_request: { number: 7 }, commits: [{ message: "a" }] },
  },
  matrix: { platform: "linux/arm64", arch: "arm64", list: ["a", "b"] },
  steps: { build: { outputs: { "build-json": "out/build.json", empty: "" }, outcome: "success" } },
  needs: { merge: { result: "success", outputs: { digests: '{"minimal":"sha256:1"}' } } },
  env: { OWNER: "octo" },
  secrets: { GITHUB_TOKEN: "ghs_x" },
  inputs: { dry: true, count: 3 },
  runner: { temp: "/home/runner/work/_temp" },
  job: { status: "success" },
};

describe("runner harness: expressions", () => {
  const values: [string, unknown][] = [
    ["matrix.platform", "linux/arm64"],
    ["matrix['arch']", "arm64"],
    ["matrix.list[1]", "b"],
    ["matrix.list[5]", null],
    ["matrix.missing", null],
    ["matrix.missing.deeper", null],
    ["steps.build.outputs.build-json", "out/build.json"],
    ["steps.build.outputs.empty || 'fallback'", "fallback"],
    ["steps.nope.outputs.x", null],
    ["needs.merge.outputs.digests", '{"minimal":"sha256:1"}'],
    ["fromJSON(needs.merge.outputs.digests).minimal", "sha256:1"],
    ["github.ref_name", "v2.1.0"],
    ["github.REF_NAME", "v2.1.0"],
    ["GitHub.event.pull_request.number", 7],
    ["env.OWNER", "octo"],
    ["secrets.GITHUB_TOKEN", "ghs_x"],
    ["secrets.OTHER", null],
    ["inputs.dry", true],
    ["runner.temp", "/home/runner/work/_temp"],
    // == ignores case for strings; other types compare as numbers
    ["github.event_name == 'PUSH'", true],
    ["github.event_name != 'pull_request'", true],
    ["inputs.count == '3'", true],
    ["inputs.dry == 1", true],
    ["null == 0", true],
    ["'' == 0", true],
    ["'abc' == 0", false],
    ["matrix == matrix", true],
    // && and || give an operand, ! a boolean
    ["matrix.arch && 'yes'", "yes"],
    ["'' && 'yes'", ""],
    ["!matrix.missing", true],
    ["!!matrix.arch", true],
    ["!(github.event_name == 'push') || matrix.arch == 'arm64'", true],
    ["github.event_name == 'push' && matrix.arch == 'amd64'", false],
    // functions
    ["startsWith(github.ref, 'refs/tags/V')", true],
    ["startsWith(github.ref, 'refs/heads/')", false],
    ["endsWith(matrix.platform, '/ARM64')", true],
    ["contains(matrix.platform, 'ARM')", true],
    ["contains(matrix.list, 'B')", true],
    ["contains(matrix.list, 'c')", false],
    ["contains(fromJSON('[1, 2]'), '2')", true],
    ["format('{0}/{1}-{0}', 'a', 2)", "a/2-a"],
    ["format('{{0}} {0}', 'x')", "{0} x"],
    ["join(matrix.list, '+')", "a+b"],
    ["join(matrix.list)", "a,b"],
    ["toJSON(matrix.list)", '[\n  "a",\n  "b"\n]'],
    ["fromJSON('{\"a\": [true]}').a[0]", true],
    ["fromJSON('3')", 3],
    ["success()", true],
    ["failure()", false],
    ["always()", true],
    ["cancelled()", false],
    ["'it''s'", "it's"],
    ["0x10 == 16", true],
    ["-1.5", -1.5],
  ];
  for (const [expr, want] of values) {
    it(`\${{ ${expr} }} is ${JSON.stringify(want)}`, () => assert.deepEqual(evaluate(expr, contexts), want));
  }

  const unsupported: [string, RegExp][] = [
    ["vars.NAME", /context "vars"/],
    ["hashFiles('**/package-lock.json')", /function hashFiles\(\)/],
    ["github.event.commits.*.message", /object filter "\*"/],
    ["matrix.", /a property name after "."/],
    ["matrix.arch > 'a'", /operator ">"/],
    ["inputs.count <= 3", /operator "<="/],
    ["startsWith('a')", /startsWith\(\) with 1 argument/],
    ["format('{1}', 'a')", /has no argument/],
    ["format('{0}', matrix)", /object used as text/],
    ["fromJSON('not json')", /fromJSON/],
    ["matrix.arch ==", /unexpected end/],
    ["(matrix.arch", /expected "\)"/],
    ["matrix.arch 'x'", /unexpected "x"/],
    ["matrix.arch + 1", /character "\+"/],
  ];
  for (const [expr, why] of unsupported) {
    it(`\${{ ${expr} }} throws, naming the expression`, () => {
      assert.throws(
        () => evaluate(expr, contexts),
        (e: Error) => e.message.startsWith(`unsupported expression \${{ ${expr} }}`) && why.test(e.message),
      );
    });
  }

  it("templates: each ${{ }} in place as text; a whole ${{ }} keeps its type", () => {
    assert.equal(interpolate("build and push ${{ matrix.platform }} (${{ matrix.missing }})", contexts), "build and push linux/arm64 ()");
    assert.equal(interpolate("${{ format('}}{0}', 'x') }}!", contexts), "}x!");
    assert.equal(interpolate("no expression", contexts), "no expression");
    assert.equal(interpolate("${{ inputs.dry }}", contexts), "true");
    assert.equal(evaluateTemplate("${{ inputs.count }}", contexts), 3);
    assert.equal(evaluateTemplate(" ${{ fromJSON('[1]')[0] }} ", contexts), 1);
    assert.throws(() => interpolate("${{ matrix }}", contexts), /unsupported expression \$\{\{ matrix \}\}: an object used as text/);
    assert.throws(() => interpolate("${{ matrix.arch", contexts), /no closing \}\}/);
  });

  it("if: with or without ${{ }}, success() implied unless a status function is named", () => {
    const failed = { ...contexts, job: { status: "failure" } };
    const rows: [unknown, typeof contexts, boolean][] = [
      [undefined, contexts, true],
      [undefined, failed, false],
      ["github.event_name == 'push'", contexts, true],
      ["${{ github.event_name == 'push' }}", contexts, true],
      ["github.event_name == 'push'", failed, false],
      ["always() && github.event_name == 'push'", failed, true],
      ["${{ !cancelled() }}", failed, true],
      ["failure()", failed, true],
      ["failure()", contexts, false],
      ["success() || failure()", failed, true],
      [true, contexts, true],
      [true, failed, false],
      [false, contexts, false],
      ["matrix.missing", contexts, false],
    ];
    for (const [cond, c, want] of rows)
      assert.equal(evaluateIf(cond, c), want, `if: ${JSON.stringify(cond)} with job.status ${c.job.status}`);
    assert.throws(() => evaluateIf("${{ matrix.arch }} == 'x'", contexts), /mixes text and/);
    assert.throws(() => evaluateIf("vars.X == 'y'", contexts), /unsupported expression \$\{\{ vars.X == 'y' \}\}: context "vars"/);
  });
});

describe("runner harness: file commands, inputs, matrices", () => {
  it("GITHUB_OUTPUT and GITHUB_ENV: name=value and name<<DELIMITER, as the runner parses them", () => {
    const text = "a=1\nb=x=y\n\nm<<EOF\nline 1\nb=not a value\n\nEOF\nc<<ghadelimiter_1\n\nghadelimiter_1\nd=\n";
    assert.deepEqual(parseFileCommand(text), { a: "1", b: "x=y", m: "line 1\nb=not a value\n", c: "", d: "" });
    assert.deepEqual(parseFileCommand("x<<A=B\nv\nA=B\n"), { x: "v" });
    assert.throws(() => parseFileCommand("m<<EOF\nno end\n"), /no closing delimiter "EOF" for m/);
    assert.throws(() => parseFileCommand("just text\n"), /invalid line "just text"/);
  });

  it("INPUT_*: given inputs, then defaults of the others; upper-cased, hyphens kept; unexpected ones named", () => {
    const declared = {
      command: { default: "build" },
      "fail-on-budget": { default: "true" },
      token: { default: "${{ github.repository_owner }}" },
      variants: {},
      "dry-run": { default: "false" },
    };
    const r = inputVariables(declared, { command: "size-check", "dry-run": "", extra: "1" }, contexts);
    assert.deepEqual(r.env, {
      INPUT_COMMAND: "size-check",
      "INPUT_FAIL-ON-BUDGET": "true",
      INPUT_TOKEN: "Octo-Org",
      "INPUT_DRY-RUN": "",
      INPUT_EXTRA: "1",
    });
    assert.deepEqual(r.unexpected, ["extra"]);
    assert.deepEqual(r.deprecated, []);
  });

  it("a deprecated input given gets the runner's warning; not given (even with a default), none", () => {
    const declared = {
      push: { deprecationMessage: "does nothing; remove it" },
      old: { default: "x", deprecationMessage: "gone" },
      command: {},
    };
    assert.deepEqual(inputVariables(declared, { push: "true", command: "build" }).deprecated, [
      "Input 'push' has been deprecated with message: does nothing; remove it",
    ]);
    assert.deepEqual(inputVariables(declared, { command: "build" }).deprecated, []);
  });

  it("matrices: axes crossed, include extends matching entries or adds its own", () => {
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-matrix-"));
    try {
      const file = join(dir, "w.yml");
      writeFileSync(
        file,
        [
          "jobs:",
          "  only-include:",
          "    strategy: { matrix: { include: [{ platform: linux/amd64, arch: amd64 }, { platform: linux/arm64, arch: arm64 }] } }",
          "  crossed:",
          "    strategy:",
          "      matrix:",
          "        os: [a, b]",
          "        v: [1, 2]",
          "        include: [{ os: a, extra: x }, { os: c, v: 3 }]",
          "  plain: { steps: [] }",
          "  excluded:",
          "    strategy: { matrix: { os: [a], exclude: [{ os: a }] } }",
        ].join("\n"),
      );
      assert.deepEqual(matrixOf(file, "only-include"), [
        { platform: "linux/amd64", arch: "amd64" },
        { platform: "linux/arm64", arch: "arm64" },
      ]);
      assert.deepEqual(matrixOf(file, "crossed"), [
        { os: "a", v: 1, extra: "x" },
        { os: "a", v: 2, extra: "x" },
        { os: "b", v: 1 },
        { os: "b", v: 2 },
        { os: "c", v: 3 },
      ]);
      assert.deepEqual(matrixOf(file, "plain"), [{}]);
      assert.throws(() => matrixOf(file, "excluded"), /exclude is not imitated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
