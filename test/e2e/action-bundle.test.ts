/**
 * The action as GitHub runs it: the committed bundle (dist/index.js, ESM, with the ESM-only
 * @actions packages inlined), driven by INPUT_* variables, writing to $GITHUB_OUTPUT.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { assertAllValid, startGitHubStandIn } from "../support/github-api.js";
import { ROOT } from "./fixture.js";

const work = mkdtempSync(join(tmpdir(), "kimigayo-action-"));
/** The user's repository the action runs in (GITHUB_WORKSPACE), not this one: whatever the action writes by default lands here. */
const workspace = join(work, "workspace");
mkdirSync(workspace);
for (const args of [
  ["init", "-q", "-b", "main"],
  ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "feat: first"],
]) {
  const g = spawnSync("git", args, { cwd: workspace, encoding: "utf8" });
  assert.equal(g.status, 0, g.stderr);
}
const CONFIG = join(ROOT, "configs/kimigayo.yml");

/** INPUT_* variables, with this repository's config unless the test names one. */
function inputEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: workspace };
  for (const [k, v] of Object.entries({ config: CONFIG, ...inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
  return env;
}

function action(inputs: Record<string, string>) {
  const output = join(work, `output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(output, "");
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_OUTPUT: output, ...inputEnv(inputs) };
  const r = spawnSync(process.execPath, [join(ROOT, "dist/index.js")], { cwd: workspace, env, encoding: "utf8", timeout: 15 * 60_000 });
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(output, "utf8").matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
}

/** As `action`, without blocking the event loop: the GitHub stand-in answers in this process. */
function actionAsync(inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv) {
  const output = join(work, `output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(output, "");
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_OUTPUT: output, ...inputEnv(inputs), ...extraEnv };
  return new Promise<{ code: number | null; stdout: string }>((resolveRun) => {
    const child = spawn(process.execPath, [join(ROOT, "dist/index.js")], { cwd: workspace, env });
    let stdout = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stdout += b.toString()));
    child.on("close", (code) => resolveRun({ code, stdout }));
  });
}

describe("the bundled action (node dist/index.js)", () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it("command build: builds, and sets the sizes and build-json outputs", () => {
    const out = join(work, "out");
    const r = action({ command: "build", variants: "minimal", platforms: "linux/amd64", out });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const sizes = JSON.parse(r.outputs.sizes!) as { variant: string; platform: string; rootfs: number; busybox: number }[];
    assert.equal(sizes.length, 1);
    assert.equal(sizes[0]!.variant, "minimal");
    const build = JSON.parse(readFileSync(r.outputs["build-json"]!, "utf8")) as { images: { rootfs: { size: number } }[] };
    assert.equal(build.images[0]!.rootfs.size, sizes[0]!.rootfs);
  });

  it("command size-check: writes the report and markdown, sets their outputs", () => {
    const out = join(work, "out");
    const r = action({ command: "size-check", out });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(readFileSync(r.outputs.report!, "utf8")) as { status: string; images: unknown[] };
    assert.equal(report.status, "pass");
    assert.equal(report.images.length, 1);
    assert.match(readFileSync(r.outputs.markdown!, "utf8"), /^<!-- kimigayo-size-check -->/);
  });

  it("command size-check on a pull request: one sticky comment, updated on the next push", async () => {
    const standIn = await startGitHubStandIn({ token: "ghs_pr" });
    try {
      const event = join(work, "event.json");
      writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: "a".repeat(40) } } }));
      const gh = {
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: event,
        GITHUB_REPOSITORY: "kimigayo/kimigayo",
        GITHUB_API_URL: standIn.url,
      };
      for (const round of [1, 2]) {
        const r = await actionAsync({ command: "size-check", out: join(work, "out"), "github-token": "ghs_pr" }, gh);
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, round === 1 ? /size report comment created/ : /size report comment updated/);
      }
      assert.equal(standIn.state.comments.length, 1, "one comment");
      assert.match(standIn.state.comments[0]!.body, /^<!-- kimigayo-size-check -->/);
      assertAllValid(standIn);
      // The fork case: no token, the check still runs and passes, and no GitHub call is made.
      const before = standIn.requests.length;
      const fork = await actionAsync({ command: "size-check", out: join(work, "out") }, { ...gh, GITHUB_TOKEN: "" });
      assert.equal(fork.code, 0, fork.stdout);
      assert.match(fork.stdout, /no github-token/);
      assert.equal(standIn.requests.length, before);
    } finally {
      await standIn.close();
    }
  });

  it("command bench: measures the built image against the floor and sets the bench output", () => {
    // One run per case: the input's way to the CLI and the output's way back (the figures are bench.test.ts's).
    const r = action({ command: "bench", out: join(work, "out"), variants: "minimal", "bench-runs": "1" });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const bench = JSON.parse(r.outputs.bench!) as { groups: { image: { label: string } }[] };
    assert.ok(bench.groups.length >= 1);
  });

  it("command release, dry run: notes, images in the local registry, no GitHub call", () => {
    const out = join(work, "out-release");
    const image = `127.0.0.1:5000/action-release-${process.pid}/kimigayo`;
    // bench-runs 0, as the README's release example: the release's benchmark stage is release.test.ts's.
    const r = action({ command: "release", "dry-run": "true", out, image, engine: "oci", "bench-runs": "0" });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const digests = JSON.parse(r.outputs.digests!) as Record<string, string>;
    assert.deepEqual(Object.keys(digests).sort(), ["extended", "minimal", "standard"]);
    assert.match(readFileSync(r.outputs.notes!, "utf8"), /^# Kimigayo OS 2\.1\.0$/m);
    assert.equal(r.outputs["release-url"], undefined);
    assert.match(r.stdout + r.stderr, /bench.*--bench-runs 0/, "the input reached the CLI: the benchmark stage skipped, saying why");
  });

  it("command publish: pushes to the local registry and sets the digests and tags outputs", () => {
    const out = join(work, "out");
    const image = `127.0.0.1:5000/action-${process.pid}/kimigayo`;
    const r = action({ command: "publish", out, image, version: "2.1.0", password: "s3cret-pw", username: "nobody" });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const digests = JSON.parse(r.outputs.digests!) as Record<string, string>;
    assert.match(digests.minimal!, /^sha256:[0-9a-f]{64}$/);
    const tags = JSON.parse(r.outputs.tags!) as Record<string, string[]>;
    assert.ok(tags.minimal!.includes("2.1.0-minimal"));
    // The runner hides every later occurrence of a value registered with ::add-mask::, and
    // nothing else prints it at all.
    assert.match(r.stdout, /^::add-mask::s3cret-pw$/m);
    assert.doesNotMatch((r.stdout + r.stderr).replace(/^::add-mask::.*$/m, ""), /s3cret-pw/, "the password is never printed");
  });

  it("bad input: an unknown command fails with exit 2 and a message naming the allowed ones", () => {
    const r = action({ command: "deploy" });
    assert.equal(r.code, 2);
    assert.match(
      r.stdout,
      /::error::.*command: "deploy" is not a command; allowed: build, size-check, bench, publish, merge, release, doctor/,
    );
  });

  it("bad input: release without a tag (and not a dry run) fails with exit 2 before any work", () => {
    const r = action({ command: "release" });
    assert.equal(r.code, 2);
    assert.match(r.stdout, /release needs tag/);
  });
});
