/**
 * The action's main step in this process: inputs from INPUT_*, the command run in-process, its
 * typed result mapped onto GITHUB_OUTPUT and the job summary, and the exit code. size-check
 * runs on a synthetic build.json, so nothing here needs docker or a registry.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { actionCredentials, compilesBusybox } from "../../src/action/main.js";
import { buildReport } from "../../src/cli/build.js";
import { publishedOutputs } from "../../src/cli/publish.js";
import { getInputs } from "../../src/action/inputs.js";
import type { BuildResult, ImageBuild } from "../../src/results/build.js";

const CONFIG = fileURLToPath(new URL("../../configs/kimigayo.yml", import.meta.url));

let work: string;
before(() => (work = mkdtempSync(join(tmpdir(), "kimigayo-action-run-"))));
after(() => rmSync(work, { recursive: true, force: true }));

/** A build.json with one minimal linux/amd64 image whose BusyBox is `busybox` bytes. */
function writeBuild(dir: string, busybox: number): BuildResult {
  const files = [
    { path: "bin", type: "dir" as const, size: 0, tarBytes: 512 },
    { path: "bin/busybox", type: "file" as const, size: busybox, tarBytes: 512 + Math.ceil(busybox / 512) * 512 },
  ];
  const size = files.reduce((n, f) => n + f.tarBytes, 1024);
  const image: ImageBuild = {
    variant: "minimal",
    platform: "linux/amd64",
    busybox: { binary: "", size: busybox, sha256: "", applets: ["sh"], static: true, stripped: true, machine: "x86-64", cache: "hit" },
    rootfs: { tar: join(dir, "none.tar"), size, sha256: "", files },
    services: { started: [], unavailable: [], notes: [] },
    seconds: { busybox: 0, rootfs: 0 },
  };
  const build: BuildResult = {
    config: CONFIG,
    version: "2.1.0",
    sourceDateEpoch: 0,
    busybox: { version: "1.38.0", sha256: "", source: { cache: "hit", signature: "not configured" } },
    out: dir,
    images: [image],
    layouts: [
      {
        variant: "minimal",
        engine: "oci",
        layout: "",
        ref: "2.1.0",
        index: { digest: "", size: 0 },
        manifests: [
          {
            platform: "linux/amd64",
            digest: "",
            size: 0,
            config: "",
            layers: [{ digest: "", size: Math.round(size / 2), diffId: "" }],
            uncompressedSize: size,
          },
        ],
        seconds: 0,
      },
    ],
    seconds: { source: 0, total: 0 },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "build.json"), JSON.stringify(build));
  return build;
}

/** Parses GITHUB_OUTPUT's `name<<delimiter` blocks. */
function outputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    while (lines[++i] !== m[2]) value.push(lines[i]!);
    out[m[1]!] = value.join("\n");
  }
  return out;
}

const MAIN = fileURLToPath(new URL("../../src/action/main.ts", import.meta.url));

/**
 * Runs the action's run() in a child process (its own env and exit code) with these inputs, the
 * way the runner would: INPUT_*, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. The child prints, after
 * run(), which credential variables its process.env holds.
 */
function action(name: string, inputs: Record<string, string>) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const files = { output: join(dir, "output"), summary: join(dir, "summary") };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const script = [
    `const { run } = await import(${JSON.stringify(pathToFileURL(MAIN).href)});`,
    "await run();",
    'const held = ["KIMIGAYO_REGISTRY_USER", "KIMIGAYO_REGISTRY_PASSWORD", "GITHUB_TOKEN"].filter((k) => process.env[k] !== undefined);',
    "process.stdout.write(`held: ${JSON.stringify(held)}\\n`);",
  ].join("\n");
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), "--input-type=module", "-e", script], {
    env,
    encoding: "utf8",
    cwd: work,
  });
  const held = /^held: (.*)$/m.exec(r.stdout)?.[1];
  return {
    code: r.status,
    outputs: outputs(files.output),
    summary: readFileSync(files.summary, "utf8"),
    stdout: r.stdout + r.stderr,
    held: held ? (JSON.parse(held) as string[]) : undefined,
  };
}

describe("the action, in-process", () => {
  test("size-check within budget: exit 0, the report's outputs and its summary", async () => {
    const out = join(work, "out-pass");
    writeBuild(out, 100_000);
    const r = action("pass", { command: "size-check", config: CONFIG, out });
    assert.equal(r.code, 0, r.stdout);
    const report = JSON.parse(r.outputs.result!) as { status: string; images: { variant: string; uncompressed: number }[] };
    assert.equal(report.status, "pass");
    assert.equal(report.images[0]!.uncompressed, JSON.parse(readFileSync(join(out, "build.json"), "utf8")).images[0].rootfs.size);
    assert.equal(r.outputs.report, `${out}/size-report.json`);
    assert.equal(r.outputs.markdown, `${out}/size-report.md`);
    assert.deepEqual(JSON.parse(readFileSync(r.outputs.report!, "utf8")), report, "the report file is the result output");
    assert.match(r.summary, /^<!-- kimigayo-size-check -->/);
  });

  test("size-check over budget with fail-on-budget false: outputs set, the step passes with warnings only", async () => {
    const out = join(work, "out-over");
    writeBuild(out, 900_000);
    const r = action("over", { command: "size-check", config: CONFIG, out, "fail-on-budget": "false" });
    assert.equal(r.code, 0, r.stdout);
    assert.equal((JSON.parse(r.outputs.result!) as { status: string }).status, "fail");
    // A step that passes carries no error annotation (issue 10): the overrun is a warning, on the budget's line.
    assert.match(r.stdout, /::warning::size-check: 1 of 1 image\(s\) over budget: minimal linux\/amd64 \(--warn-only: the check passes\)/);
    assert.match(r.stdout, /::warning file=[^:]*kimigayo\.yml,line=\d+::.*over the budget/);
    assert.doesNotMatch(r.stdout, /::error/);
  });

  test("size-check over budget: exit 1, and the step fails naming the command", async () => {
    const out = join(work, "out-fail");
    writeBuild(out, 900_000);
    const r = action("fail", { command: "size-check", config: CONFIG, out });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::kimigayo size-check exited with 1/);
    assert.equal((JSON.parse(r.outputs.result!) as { status: string }).status, "fail");
  });

  test("bad input: exit 2 and no outputs", async () => {
    const r = action("bad", { command: "size-check", config: CONFIG, out: join(work, "no-build") });
    assert.equal(r.code, 2);
    assert.match(r.stdout, /::error::no build result at .*no-build\/build\.json/);
    assert.deepEqual(r.outputs, {});
  });

  test("credentials are masked and travel in the context, never in process.env", async () => {
    const r = action("secret", {
      command: "size-check",
      config: CONFIG,
      out: join(work, "no-build-2"),
      username: "robot",
      password: "s3cret-pw",
      "github-token": "ghs_token123",
    });
    assert.match(r.stdout, /^::add-mask::s3cret-pw$/m);
    assert.match(r.stdout, /^::add-mask::ghs_token123$/m);
    assert.deepEqual(r.held, [], "no credential was put in process.env");
  });
});

describe("typed results -> outputs", () => {
  test("credentials from the inputs", () => {
    const i = getInputs((n) => ({ username: "u", password: "p", "github-token": "t" })[n] ?? "");
    assert.deepEqual(actionCredentials(i), { registry: { username: "u", password: "p" }, githubToken: "t", githubTokenInput: true });
  });

  test("GITHUB_TOKEN from the environment only: a token to read with, not a request to comment", () => {
    const i = getInputs(() => "");
    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = "env-token";
    try {
      assert.deepEqual(actionCredentials(i), { githubToken: "env-token" });
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    }
  });

  test("a build's sizes, build-json and summary table", () => {
    const out = join(work, "out-build");
    const build = writeBuild(out, 123_456);
    const r = buildReport(build);
    assert.deepEqual(JSON.parse(r.outputs.sizes!), [
      { variant: "minimal", platform: "linux/amd64", rootfs: build.images[0]!.rootfs.size, busybox: 123_456 },
    ]);
    assert.equal(r.outputs["build-json"], `${out}/build.json`);
    assert.ok(r.summary.includes("| minimal | linux/amd64 | 123,456 B | 125,952 B |"), r.summary.join("\n"));
  });

  test("published images: digests and tags per variant", () => {
    const o = publishedOutputs({
      image: "r/k",
      prerelease: false,
      variants: [
        {
          variant: "minimal",
          index: "sha256:1",
          manifests: [],
          tags: ["2.1.0-minimal", "minimal"],
          references: [],
          stats: { blobsUploaded: 0, blobBytesUploaded: 0, blobsSkipped: 0, blobsMounted: 0, manifestsPut: 0 },
        },
      ],
    });
    assert.deepEqual(JSON.parse(o.digests!), { minimal: "sha256:1" });
    assert.deepEqual(JSON.parse(o.tags!), { minimal: ["2.1.0-minimal", "minimal"] });
  });
});

describe("the BusyBox cache is restored only by commands that compile", () => {
  test("build, bench and a full release do; a release from published images, size-check, publish, merge and doctor do not", () => {
    const cases: [string, string, boolean][] = [
      ["build", "", true],
      ["bench", "", true],
      ["release", "", true],
      ["release", "artifacts", false],
      ["size-check", "", false],
      ["publish", "", false],
      ["merge", "", false],
      ["doctor", "", false],
    ];
    for (const [command, fromPublished, want] of cases)
      assert.equal(compilesBusybox({ command, "from-published": fromPublished } as never), want, `${command} ${fromPublished}`);
  });
});
