/**
 * The action as GitHub's hosted runner runs it (test/support/runner.ts): as the non-root `runner`
 * user with passwordless sudo and the docker group, under Node 24, unpacked from `git archive
 * HEAD` (committed files only; the committed dist/ bundle, no node_modules) under
 * RUNNER_WORK/_actions/kimigayo/build-action/v2 (the harness's own folder), in a separate workspace repository holding
 * nothing of this project, with GITHUB_* variables, an event payload and per-step GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files owned by the runner. The runner's own cache starts empty but for the
 * BusyBox tarball (busybox.net cannot be reached from here), so the build compiles BusyBox as the
 * runner.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve, sep } from "node:path";
import { after, before, describe, it } from "node:test";
import { orderPrerequisites } from "../../src/doctor/doctor.js";
import { PREREQUISITES } from "../../src/doctor/prerequisites.js";
import { needs } from "../support/prerequisites.js";
import { ROOT } from "./fixture.js";
import {
  RUNNER_HOME,
  assertNoRootOwned,
  cleanRunnerWork,
  ensureRunnerUser,
  newJob,
  newWorkspace,
  node24,
  resetRunnerCache,
  runAction,
  runScript,
  runWorkflowJob,
  RUNNER_WORK,
  seedSourceCache,
  unpackAction,
  type Job,
  type StepResult,
  type Workspace,
} from "../support/runner.js";

const need = await needs("root", "dockerd", "musl-amd64");

/** The end of a step's log, without @actions/core's debug lines (which the runner hides), for failure messages. */
function tail(r: StepResult): string {
  return `exit ${r.code}; log:\n${r.log.replace(/^::debug::.*\n/gm, "").slice(-4000)}`;
}

/**
 * A workflow of this repository's kind, driven through runWorkflowJob: checkout (imitated: a clone
 * of this repository, so `uses: ./` is the action from the workspace), a skipped third-party step,
 * the action, run: steps using its outputs and GITHUB_OUTPUT/GITHUB_ENV, an if: that is false, an
 * artifact carried to a second job that needs the first.
 */
const WORKFLOW = `name: harness check
on: push
env:
  OUT: out
defaults:
  run:
    shell: bash
jobs:
  build:
    name: build \${{ matrix.platform }}
    strategy:
      matrix:
        include:
          - { platform: linux/amd64, arch: amd64 }
    runs-on: ubuntu-24.04
    outputs:
      sizes: \${{ steps.build.outputs.sizes }}
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with:
          persist-credentials: false
      - uses: docker/login-action@4907a6ddec9925e35a0a9e82d7399ccc52663121 # v4.1.0
        with:
          registry: ghcr.io
          username: \${{ github.actor }}
          password: \${{ secrets.GITHUB_TOKEN }}
      - id: build
        uses: ./
        with:
          command: build
          variants: minimal
          platforms: \${{ matrix.platform }}
          out: \${{ env.OUT }}
      - id: use
        env:
          SIZES: \${{ steps.build.outputs.sizes }}
          OWNER: \${{ github.repository_owner }}
        run: |
          test -f "$OUT/build.json"
          test "$(id -un)" = runner
          echo "sizes: $SIZES"
          echo "image=ghcr.io/\${OWNER,,}/kimigayo" >> "$GITHUB_OUTPUT"
          echo "LATER=1" >> "$GITHUB_ENV"
      - if: \${{ github.event_name == 'pull_request' }}
        run: exit 1
      - run: test "$LATER" = 1 && test "\${{ steps.use.outputs.image }}" = ghcr.io/octo-org/kimigayo
      - uses: actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0
        with:
          name: build-\${{ matrix.arch }}
          path: |
            out/build.json
            out/rootfs/
          if-no-files-found: error
  check:
    needs: build
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1
        with:
          pattern: build-*
          merge-multiple: true
          path: got
      - env:
          SIZES: \${{ needs.build.outputs.sizes }}
        run: |
          test -f got/build.json
          test -f got/rootfs/kimigayo-minimal-amd64.tar
          case "$SIZES" in *'"variant":"minimal"'*) ;; *) echo "sizes: $SIZES"; exit 1 ;; esac
      - if: failure()
        run: echo "only after a failure"
`;

const STEP_TIMEOUT = 20 * 60_000;

describe(
  "the action on an imitated GitHub runner (runner user, node24, git archive HEAD, a separate workspace)",
  { skip: need.skip },
  () => {
    let actionDir = "";
    let config = "";
    let workspace: Workspace | undefined;
    let job: Job;
    /** What the build step reported, for the size check. */
    let built: { rootfs: number; busybox: number } | undefined;

    before(() => {
      need.check();
      ensureRunnerUser();
      node24();
      actionDir = unpackAction("v2");
      config = `${actionDir}/configs/kimigayo.yml`;
      resetRunnerCache();
      seedSourceCache(config);
      workspace = newWorkspace("kimigayo-downstream", { "README.md": "# A downstream repository\n\nIt uses kimigayo/build-action@v2.\n" });
      job = newJob({ workspace: workspace.dir, repository: "Octo-Org/downstream", event: { tag: "v1.0.0" } });
      // As on a fresh hosted runner, no musl toolchain: the build needs none (it fetches the locked one).
      const removed = spawnSync("apt-get", ["remove", "-y", "-qq", "musl-tools"], {
        encoding: "utf8",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
      assert.equal(removed.status, 0, removed.stderr);
      assert.notEqual(spawnSync("sh", ["-c", "command -v musl-gcc"]).status, 0, "musl-gcc is gone before the action runs");
    });

    after(() => {
      cleanRunnerWork(...(workspace ? [workspace] : []));
      // Whatever happened above, the machine keeps the toolchain the other tests need.
      if (spawnSync("sh", ["-c", "command -v musl-gcc"]).status !== 0) {
        spawnSync(process.execPath, [join(ROOT, "dist/cli/index.js"), "doctor", "--fix", "--only", "musl-amd64"], { stdio: "inherit" });
      }
    });

    const inWorkspace = (path: string) => {
      const p = isAbsolute(path) ? path : resolve(workspace!.dir, path);
      assert.ok(p.startsWith(workspace!.dir + sep), `${p} is inside the workspace ${workspace!.dir}`);
      return p;
    };

    it("the unpacked action holds only committed files: no node_modules, the bundle and its action.yml", () => {
      assert.equal(existsSync(`${actionDir}/node_modules`), false);
      assert.ok(existsSync(`${actionDir}/dist/index.js`));
      assert.match(readFileSync(`${actionDir}/action.yml`, "utf8"), /using: node24/);
      assert.equal(statSync(`${actionDir}/dist/index.js`).uid, statSync(RUNNER_HOME).uid, "owned by the runner");
    });

    it("command build: no host musl, no toolchain installed through sudo: the locked one is fetched into the runner's cache; minimal for linux/amd64; outputs, summary, out/ owned by the runner", async () => {
      const r = await runAction({
        job,
        actionDir,
        inputs: { command: "build", variants: "minimal", platforms: "linux/amd64", config },
        timeoutMs: STEP_TIMEOUT,
      });
      assert.equal(r.code, 0, tail(r));
      assert.deepEqual(
        r.annotations.filter((a) => a.level === "error"),
        [],
      );
      // No compiler is installed for a build: the locked toolchain is the runner's own, in its cache.
      assert.doesNotMatch(r.log, /install musl-amd64/);
      assert.notEqual(spawnSync("sh", ["-c", "command -v musl-gcc"]).status, 0, "musl-gcc was not installed");
      assert.ok(existsSync(`${RUNNER_HOME}/.cache/kimigayo/toolchain`), "the locked toolchain is in the runner's cache");
      assert.equal(statSync(`${RUNNER_HOME}/.cache/kimigayo/toolchain`).uid, statSync(RUNNER_HOME).uid, "owned by the runner");
      const sizes = JSON.parse(r.outputs.sizes ?? "null") as { variant: string; platform: string; rootfs: number; busybox: number }[];
      assert.deepEqual(
        sizes.map((s) => `${s.variant} ${s.platform}`),
        ["minimal linux/amd64"],
      );
      const build = JSON.parse(readFileSync(inWorkspace(r.outputs["build-json"]!), "utf8")) as {
        images: {
          rootfs: { size: number; tar: string };
          busybox: { size: number; static: boolean; machine: string; binary: string; toolchain?: Record<string, string> };
        }[];
      };
      const image = build.images[0]!;
      assert.equal(image.rootfs.size, sizes[0]!.rootfs);
      assert.equal(image.busybox.size, sizes[0]!.busybox);
      assert.equal(statSync(inWorkspace(image.rootfs.tar)).size, image.rootfs.size, "the rootfs tar is in the workspace, with that size");
      assert.deepEqual([image.busybox.static, image.busybox.machine], [true, "x86-64"]);
      assert.match(image.busybox.toolchain?.lock ?? "", /^sha256:[0-9a-f]{64}$/);
      assert.ok(image.busybox.binary.startsWith(`${RUNNER_HOME}/.cache/kimigayo/`), `built in the runner's cache: ${image.busybox.binary}`);
      assert.deepEqual(JSON.parse(r.outputs.result!).images.length, 1);
      // The job summary: the build table, with the same figures.
      assert.match(r.summary, /^## Kimigayo build$/m);
      const row = `| minimal | linux/amd64 | ${image.busybox.size.toLocaleString("en-US")} B | ${image.rootfs.size.toLocaleString("en-US")} B |`;
      assert.ok(r.summary.includes(row), `the summary has ${row}:\n${r.summary}`);
      built = { rootfs: image.rootfs.size, busybox: image.busybox.size };
      assertNoRootOwned(workspace!.dir);
    });

    it("command size-check on that output: a passing report, its files, the summary", async () => {
      assert.ok(built, "the build step ran");
      const r = await runAction({ job, actionDir, inputs: { command: "size-check", config }, timeoutMs: STEP_TIMEOUT });
      assert.equal(r.code, 0, tail(r));
      const report = JSON.parse(readFileSync(inWorkspace(r.outputs.report!), "utf8")) as {
        status: string;
        images: { variant: string; platform: string; uncompressed: number; status: string }[];
      };
      assert.equal(report.status, "pass");
      assert.deepEqual(
        report.images.map((i) => [i.variant, i.platform, i.uncompressed, i.status]),
        [["minimal", "linux/amd64", built.rootfs, "pass"]],
      );
      assert.equal((JSON.parse(r.outputs.result!) as { status: string }).status, "pass");
      const markdown = readFileSync(inWorkspace(r.outputs.markdown!), "utf8");
      assert.match(markdown, /^<!-- kimigayo-size-check -->/);
      assert.ok(r.summary.includes(markdown.trim()), "the job summary is the size report's markdown");
      assert.deepEqual(
        r.annotations.filter((a) => a.level === "error"),
        [],
      );
      assertNoRootOwned(workspace!.dir);
    });

    it("command size-check on a pull request from a fork, without a token: passes, the report in the summary, no comment", async () => {
      const pr = newJob({ workspace: workspace!.dir, repository: "Octo-Org/downstream", event: { pullRequest: 12, fork: true } });
      const r = await runAction({ job: pr, actionDir, inputs: { command: "size-check", config }, timeoutMs: STEP_TIMEOUT });
      assert.equal(r.code, 0, tail(r));
      assert.match(r.log, /no github-token/);
      assert.match(r.summary, /^<!-- kimigayo-size-check -->/);
      assertNoRootOwned(workspace!.dir);
    });

    it("command doctor (no fix) runs as the runner and reports every prerequisite", async () => {
      const r = await runAction({ job, actionDir, inputs: { command: "doctor", config }, timeoutMs: STEP_TIMEOUT });
      const result = JSON.parse(r.outputs.result ?? "null") as { ok: boolean; items: { id: string; title: string; ok: boolean }[] } | null;
      assert.ok(result, `doctor set its result output (${tail(r)})`);
      assert.equal(r.code, result.ok ? 0 : 1, tail(r));
      // The committed bundle reports the prerequisites of src/doctor (check-dist keeps them the same), then the source.
      const ids = result.items.map((i) => i.id);
      assert.deepEqual(ids, [...orderPrerequisites(PREREQUISITES).map((p) => p.id), "busybox-source"]);
      for (const item of result.items) assert.ok(r.log.includes(`${item.ok ? "✓" : "✗"} ${item.title}`), `the log reports ${item.id}`);
      assertNoRootOwned(workspace!.dir);
    });

    it("command doctor with no inputs in a repository without configs/kimigayo.yml: the action's own configuration", async () => {
      const r = await runAction({ job, actionDir, inputs: { command: "doctor" }, timeoutMs: STEP_TIMEOUT });
      const result = JSON.parse(r.outputs.result ?? "null") as { ok: boolean } | null;
      assert.ok(result, `doctor set its result output (${tail(r)})`);
      assert.equal(r.code, result.ok ? 0 : 1, tail(r));
      assert.match(
        r.log,
        /no configs\/kimigayo\.yml in .*: using the action's built-in configuration .*_actions\/kimigayo\/build-action\/v2\/configs\/kimigayo\.yml/,
      );
      assert.doesNotMatch(r.log, /does not exist/);
    });

    it("after the action's step, `kimigayo` is on PATH for run: steps, as the bundled CLI under the runner's node", async () => {
      const r = await runScript({ job, run: "command -v kimigayo\nkimigayo --help\n", shell: "bash" });
      assert.equal(r.code, 0, tail(r));
      assert.match(r.log, /kimigayo-bin\/kimigayo/);
      assert.match(r.log, /usage: kimigayo <command> \[options\]/);
    });

    it("a workflow's jobs in order (runWorkflowJob): checkout, uses: ./, run: steps, if:, an artifact between jobs", async () => {
      const dir = mkdtempSync(join(tmpdir(), "kimigayo-runner-workflow-"));
      try {
        const file = join(dir, "harness.yml");
        writeFileSync(file, WORKFLOW);
        const artifacts = join(dir, "artifacts");
        const common = { artifacts, repository: "Octo-Org/build-action", event: { tag: "v9.9.9" }, timeoutMs: STEP_TIMEOUT };
        const build = await runWorkflowJob(file, "build", { ...common, matrix: { platform: "linux/amd64", arch: "amd64" } });
        assert.equal(build.result, "success", build.log.replace(/^::debug::.*\n/gm, "").slice(-4000));
        assert.deepEqual(
          build.steps.map((s) => `${s.kind} ${s.conclusion}`),
          ["imitated success", "skipped skipped", "action success", "run success", "skipped skipped", "run success", "imitated success"],
        );
        const sizes = JSON.parse(build.outputs.sizes!) as { variant: string; platform: string }[];
        assert.deepEqual(
          sizes.map((x) => `${x.variant} ${x.platform}`),
          ["minimal linux/amd64"],
        );
        // The checkout is of this repository at HEAD, with the event's tag, owned by the runner.
        const workspace = `${RUNNER_WORK}/build-action/build-action`;
        assert.ok(existsSync(`${workspace}/action.yml`));
        assertNoRootOwned(workspace);
        assert.deepEqual(readdirSync(join(artifacts, "build-amd64")).sort(), ["build.json", "rootfs"]);

        const check = await runWorkflowJob(file, "check", { ...common, needs: { build } });
        assert.equal(check.result, "success", check.log.slice(-4000));
        assert.deepEqual(
          check.steps.map((s) => `${s.kind} ${s.conclusion}`),
          ["imitated success", "run success", "skipped skipped"],
        );
        assertNoRootOwned(workspace);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
