import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { getInputs, inputSchema, toArgv } from "../../src/action/inputs.js";
import { UsageError } from "../../src/lib/errors.js";

/** core.getInput over a fixed INPUT_* table: absent inputs read as "". */
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? "";

describe("action inputs -> CLI argv", () => {
  const cases: { name: string; inputs: Record<string, string>; argv: string[] }[] = [
    {
      name: "size-check writes its report and markdown into out, with a baseline",
      inputs: { command: "size-check", baseline: "last-release" },
      argv: [
        "size-check",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--out",
        "out",
        "--report",
        "out/size-report.json",
        "--markdown",
        "out/size-report.md",
        "--baseline",
        "last-release",
      ],
    },
    {
      name: "publish with an image and a version",
      inputs: { command: "publish", image: "ghcr.io/o/kimigayo", version: "2.1.0" },
      argv: [
        "publish",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--image",
        "ghcr.io/o/kimigayo",
        "--out",
        "out",
        "--version",
        "2.1.0",
      ],
    },
    {
      name: "release on a tag with the oci engine",
      inputs: { command: "release", tag: "v2.1.0", engine: "oci", image: "ghcr.io/o/kimigayo" },
      argv: [
        "release",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--image",
        "ghcr.io/o/kimigayo",
        "--out",
        "out",
        "--engine",
        "oci",
        "--tag",
        "v2.1.0",
      ],
    },
    {
      name: "a release dry run needs no tag",
      inputs: { command: "release", "dry-run": "true" },
      argv: ["release", "--config", "configs/kimigayo.yml", "--json", "--out", "out", "--engine", "oci", "--dry-run"],
    },
    {
      name: "build with every default",
      inputs: { command: "build" },
      argv: ["build", "--config", "configs/kimigayo.yml", "--json", "--engine", "oci", "--out", "out"],
    },
    {
      name: "empty and blank inputs take their defaults",
      inputs: { command: "build", config: "", variants: "  ", platforms: "\n", out: " ", fix: "" },
      argv: ["build", "--config", "configs/kimigayo.yml", "--json", "--engine", "oci", "--out", "out"],
    },
    {
      name: "values are trimmed",
      inputs: { command: "  build\n", config: " my.yml ", out: "\tdist/out " },
      argv: ["build", "--config", "my.yml", "--json", "--engine", "oci", "--out", "dist/out"],
    },
    {
      name: "comma-separated variants",
      inputs: { command: "build", variants: "minimal,standard" },
      argv: ["build", "--config", "configs/kimigayo.yml", "--json", "--variant", "minimal,standard", "--engine", "oci", "--out", "out"],
    },
    {
      name: "newline-separated lists, with stray spaces, commas and blank lines",
      inputs: { command: "build", variants: "minimal\n  standard,\n\nextended\n", platforms: "linux/amd64 , linux/arm64" },
      argv: [
        "build",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--variant",
        "minimal,standard,extended",
        "--platform",
        "linux/amd64,linux/arm64",
        "--engine",
        "oci",
        "--out",
        "out",
      ],
    },
    {
      name: "a single platform and a custom config and out",
      inputs: { command: "build", config: "ci/kimigayo.yml", platforms: "arm64", out: "artifacts" },
      argv: ["build", "--config", "ci/kimigayo.yml", "--json", "--platform", "arm64", "--engine", "oci", "--out", "artifacts"],
    },
    {
      name: "variants: all is passed through for the CLI to expand",
      inputs: { command: "build", variants: "all" },
      argv: ["build", "--config", "configs/kimigayo.yml", "--json", "--variant", "all", "--engine", "oci", "--out", "out"],
    },
    {
      name: "build ignores fix",
      inputs: { command: "build", fix: "true" },
      argv: ["build", "--config", "configs/kimigayo.yml", "--json", "--engine", "oci", "--out", "out"],
    },
    {
      name: "doctor without fix",
      inputs: { command: "doctor" },
      argv: ["doctor", "--config", "configs/kimigayo.yml", "--json"],
    },
    {
      name: "doctor with fix: true",
      inputs: { command: "doctor", fix: "true" },
      argv: ["doctor", "--config", "configs/kimigayo.yml", "--json", "--fix"],
    },
    {
      name: "doctor with fix: false",
      inputs: { command: "doctor", fix: "false" },
      argv: ["doctor", "--config", "configs/kimigayo.yml", "--json"],
    },
    {
      name: "doctor with only: a comma- or newline-separated list of ids",
      inputs: { command: "doctor", fix: "true", only: "cross-arm64\nbinfmt" },
      argv: ["doctor", "--config", "configs/kimigayo.yml", "--json", "--fix", "--only", "cross-arm64,binfmt"],
    },
    {
      name: "changelog with tag: the release's section of CHANGELOG.md",
      inputs: { command: "changelog", tag: "v2.1.0", out: "x", variants: "minimal" },
      argv: ["changelog", "--config", "configs/kimigayo.yml", "--json", "--tag", "v2.1.0"],
    },
    {
      name: "size-check with fail-on-budget: false reports overruns as warnings (--warn-only)",
      inputs: { command: "size-check", "fail-on-budget": "false" },
      argv: [
        "size-check",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--out",
        "out",
        "--report",
        "out/size-report.json",
        "--markdown",
        "out/size-report.md",
        "--warn-only",
      ],
    },
    {
      name: "size-check's last-release baseline looks in the image input's repository",
      inputs: { command: "size-check", baseline: "last-release", image: "ghcr.io/acme/kimigayo" },
      argv: [
        "size-check",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--out",
        "out",
        "--report",
        "out/size-report.json",
        "--markdown",
        "out/size-report.md",
        "--baseline",
        "last-release",
        "--image",
        "ghcr.io/acme/kimigayo",
      ],
    },
    {
      name: "publish by digest for one platform, smoke-tested on its own runner",
      inputs: {
        command: "publish",
        "by-digest": "true",
        platforms: "linux/arm64",
        smoke: "true",
        image: "ghcr.io/o/kimigayo",
        version: "9.9.9",
      },
      argv: [
        "publish",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--image",
        "ghcr.io/o/kimigayo",
        "--out",
        "out",
        "--by-digest",
        "--platform",
        "linux/arm64",
        "--smoke",
      ],
    },
    {
      name: "merge reads the digests folder and writes published.json into out",
      inputs: { command: "merge", image: "ghcr.io/o/kimigayo", digests: "artifacts/digests", out: "merged" },
      argv: [
        "merge",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--image",
        "ghcr.io/o/kimigayo",
        "--out",
        "merged",
        "--digests",
        "artifacts/digests",
      ],
    },
    {
      name: "merge with defer-tags moves no tag: the release from published.json moves them",
      inputs: { command: "merge", image: "ghcr.io/o/kimigayo", digests: "artifacts", out: "merged", "defer-tags": "true" },
      argv: [
        "merge",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--image",
        "ghcr.io/o/kimigayo",
        "--out",
        "merged",
        "--digests",
        "artifacts",
        "--defer-tags",
      ],
    },
    {
      name: "release from the published images and artifacts, without a benchmark",
      inputs: { command: "release", tag: "v2.1.0", image: "ghcr.io/o/kimigayo", "from-published": "artifacts", "bench-runs": "0" },
      argv: [
        "release",
        "--config",
        "configs/kimigayo.yml",
        "--json",
        "--image",
        "ghcr.io/o/kimigayo",
        "--out",
        "out",
        "--engine",
        "oci",
        "--tag",
        "v2.1.0",
        "--from-published",
        "artifacts",
        "--bench-runs",
        "0",
      ],
    },
    {
      name: "doctor ignores the build inputs",
      inputs: { command: "doctor", variants: "minimal", platforms: "amd64", out: "x", config: "c.yml" },
      argv: ["doctor", "--config", "c.yml", "--json"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(toArgv(getInputs(reader(c.inputs))), c.argv);
    });
  }
});

describe("invalid action inputs", () => {
  const cases: { name: string; inputs: Record<string, string>; message: string }[] = [
    {
      name: "unknown command",
      inputs: { command: "deploy" },
      message: 'command: "deploy" is not a command; allowed: build, size-check, bench, publish, merge, release, doctor, changelog',
    },
    { name: "changelog needs a tag", inputs: { command: "changelog" }, message: "changelog needs tag" },
    { name: "commands are case-sensitive", inputs: { command: "Build" }, message: 'command: "Build" is not a command' },
    { name: "fix: yes", inputs: { command: "doctor", fix: "yes" }, message: 'fix: "yes" must be true or false' },
    {
      name: "fix: tRUE (not a spelling GitHub's boolean inputs accept)",
      inputs: { command: "doctor", fix: "tRUE" },
      message: 'fix: "tRUE" must be true or false (or True, TRUE, False, FALSE)',
    },
    { name: "fix is checked for build too", inputs: { command: "build", fix: "1" }, message: 'fix: "1" must be true or false' },
    { name: "defer-tags: yes", inputs: { command: "merge", "defer-tags": "yes" }, message: 'defer-tags: "yes" must be true or false' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => getInputs(reader(c.inputs)),
        (e: unknown) => {
          assert.ok(e instanceof UsageError);
          assert.equal(e.exitCode, 2);
          assert.ok(e.message.startsWith("invalid action inputs:\n"), e.message);
          assert.ok(e.message.includes(`  ${c.message}`), e.message);
          return true;
        },
      );
    });
  }

  test("every problem is listed, one per line", () => {
    assert.throws(
      () => getInputs(reader({ command: "nope", fix: "maybe" })),
      (e: unknown) => e instanceof UsageError && e.message.split("\n").length === 3 && /nope/.test(e.message) && /maybe/.test(e.message),
    );
  });
});

describe("defaults agree with action.yml", () => {
  const actionYml = readFileSync(fileURLToPath(new URL("../../action.yml", import.meta.url)), "utf8");
  /** `inputs.<name>.default` from action.yml (a flat, two-level mapping). */
  const defaults = new Map<string, string>();
  let current = "";
  for (const line of actionYml.slice(actionYml.indexOf("\ninputs:\n"), actionYml.indexOf("\noutputs:\n")).split("\n")) {
    const input = /^ {2}([a-z-]+):$/.exec(line);
    if (input) current = input[1]!;
    const def = /^ {4}default: "?([^"]*)"?$/.exec(line);
    if (def && current) defaults.set(current, def[1]!);
  }

  const declared = [
    ...actionYml.slice(actionYml.indexOf("\ninputs:\n"), actionYml.indexOf("\noutputs:\n")).matchAll(/^ {2}([a-z-]+):$/gm),
  ].map((m) => m[1]!);

  test("action.yml declares exactly the inputs the schema reads", () => {
    assert.deepEqual([...declared].sort(), Object.keys(inputSchema.shape).sort());
  });

  test("every default in action.yml is the schema's default", () => {
    const parsed = getInputs(reader({})) as unknown as Record<string, unknown>;
    assert.ok(defaults.size >= 8);
    for (const [name, value] of defaults) {
      const got = parsed[name];
      assert.equal(Array.isArray(got) ? got.join(",") : got, value, name);
    }
  });

  test("an empty command takes action.yml's default (build)", () => {
    assert.deepEqual(toArgv(getInputs(reader({}))), [
      "build",
      "--config",
      "configs/kimigayo.yml",
      "--json",
      "--engine",
      "oci",
      "--out",
      "out",
    ]);
  });
});
