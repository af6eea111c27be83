/**
 * kimigayo bench on the real engine: bad input fails fast and clearly; every case of a short run
 * produces its figures and files; arm64 is labelled as emulated; and the regression gate on real
 * runs: an A/A baseline (--aa) gives every figure it judges a noise floor (docker stop and the ratio
 * included); a later run of the unchanged image gets a gate row per figure with its limit, and its
 * exit code follows the verdict; a copy of the standard rootfs whose rc sleeps 0.3 s before its
 * ready line (a hundred times its best boot) trips it, confirmed. Whether the unchanged image passes
 * depends on this shared machine's load, so no test asserts it: the gate's decisions are tested on
 * recorded figures (test/unit/bench-gate.test.ts) and its false alarms measured by `npm run bench:gate`.
 * Runs are kept short (N = 3 or fewer: these prove the plumbing and a trip a hundred times the
 * boot; how often the gate is wrong on this machine is `npm run bench:gate`'s, with 20 A/A runs).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { BenchmarkEntry, BenchResult } from "../../src/bench/types.js";
import { slowerRootfs } from "../../src/bench/images.js";
import { readTar } from "../../src/lib/tar.js";
import type { BuildResult } from "../../src/pipeline/build.js";
import { needs } from "../support/prerequisites.js";
import { buildAll, docker, E2E_DIR, loadRootfs, ROOT, type CliRun } from "./fixture.js";

/** The CLI from source, so the test runs `kimigayo bench` exactly as a user would. */
const TSX = import.meta.resolve("tsx");

function bench(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15 * 60_000): CliRun {
  const url = (p: string) => JSON.stringify(pathToFileURL(join(ROOT, p)).href);
  const code = [`const { main } = await import(${url("src/cli/main.ts")});`, `process.exitCode = await main(process.argv.slice(1));`].join(
    "\n",
  );
  // Run where a user would, outside this repository: the default report (BENCHMARK_REPORT.md) lands in E2E_DIR.
  const config = args.includes("--config") ? [] : ["--config", join(ROOT, "configs/kimigayo.yml")];
  const r = spawnSync(process.execPath, ["--import", TSX, "--input-type=module", "-e", code, "bench", ...config, ...args], {
    cwd: E2E_DIR,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

let work: string;
/** The engine, and the host BusyBox the busybox-glibc reference is made of. */
const need = await needs("dockerd", "busybox-static", "musl-amd64");

before(() => {
  need.check();
  work = mkdtempSync(join(tmpdir(), "kimigayo-bench-e2e-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe("kimigayo bench: bad input fails fast, with a clear message", () => {
  it("--runs 0: exit 2", () => {
    const r = bench(["--runs", "0"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--runs must be in 1\.\.1000, got 0/);
  });

  it("a missing image: exit 2, says the bench never pulls", () => {
    const r = bench(["--image", "kimigayo-bench-e2e:does-not-exist", "--runs", "1", "--out", join(work, "x")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--image kimigayo-bench-e2e:does-not-exist: no such image in the local Docker engine/);
  });

  it("no build to benchmark: exit 2, says to build first", () => {
    const r = bench(["--runs", "1", "--out", join(work, "empty")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no build result at .*empty\/build\.json: run `kimigayo build` first/);
  });

  it("docker not running (DOCKER_HOST at a dead socket): exit 2, names DOCKER_HOST", () => {
    const r = bench(["--image", "anything:1", "--runs", "1"], { DOCKER_HOST: `unix://${join(work, "dead.sock")}` }, 60_000);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot reach the Docker daemon at DOCKER_HOST=unix:\/\/.*dead\.sock/);
  });

  it("an unknown reference: exit 2, lists the built-in ones", () => {
    const r = bench(["--image", "anything:1", "--reference", "kimigayo-bench-e2e:no-such-reference", "--runs", "1"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--reference kimigayo-bench-e2e:no-such-reference: no such image.*built-in references: floor, busybox-glibc/);
  });

  it("an unreadable baseline: exit 2 before anything runs", () => {
    const bad = join(work, "bad-baseline.json");
    writeFileSync(bad, '{"not": "a list"}');
    const r = bench(["--image", "anything:1", "--baseline", bad, "--runs", "1"], {}, 60_000);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad-baseline\.json: expected a JSON array of \{name, unit, value/);
  });
});

describe("kimigayo bench on the built images", () => {
  let build: BuildResult;
  before(() => {
    build = buildAll();
  });

  it("every case of a short run (N = 2, standard linux/amd64): figures, targets and all four files", () => {
    const out = join(E2E_DIR, "out");
    const report = join(work, "all", "BENCHMARK_REPORT.md");
    const r = bench(["--variant", "standard", "--platform", "linux/amd64", "--runs", "2", "--out", out, "--report", report, "--json"]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /startup standard linux\/amd64: run 1\/2/);
    assert.match(r.stderr, /boot standard linux\/amd64: run 2\/2/);
    const res = JSON.parse(r.stdout) as BenchResult & { entries: BenchmarkEntry[]; files: Record<string, string> };
    const g = res.groups[0]!;
    assert.equal(g.label, "standard linux/amd64");
    assert.equal(g.execution, "native");
    assert.deepEqual(
      g.references.map((s) => s.kind),
      ["floor", "busybox-glibc"],
    );
    const metrics = new Set(g.measures.filter((m) => m.subject === g.label).map((m) => m.metric));
    for (const want of [
      "startup",
      "boot to ready, in container",
      "boot to ready, docker run to ready line",
      "shutdown (docker stop)",
      "memory after ready",
      "memory peak",
      "ls (docker exec)",
      "sort (docker run)",
      "pull",
      "pull size",
    ]) {
      assert.ok(metrics.has(want), `missing ${want}; have ${[...metrics].join(", ")}`);
    }
    assert.ok(g.ratios.some((x) => x.metric === "startup" && x.reference === "floor linux/amd64"));
    assert.match(g.memory!.metric, /cgroup v[12] memory\./);
    const shutdown = g.measures.find((m) => m.metric === "shutdown (docker stop)")!;
    assert.ok(shutdown.summary.max < 9000, `docker stop took ${shutdown.summary.max} ms`);
    // github-action-benchmark's customSmallerIsBetter: [{name, unit, value, range?, extra?}]
    const entries = JSON.parse(readFileSync(res.files.benchmark!, "utf8")) as BenchmarkEntry[];
    assert.ok(entries.length > 10);
    for (const e of entries) {
      assert.equal(typeof e.name, "string");
      assert.equal(typeof e.unit, "string");
      assert.ok(Number.isFinite(e.value));
      // github-action-benchmark divides new by old: a smaller-is-better value is never 0, and says its resolution
      assert.ok(e.value > 0, `${e.name}: ${e.value}`);
      assert.match(e.extra ?? "", / res=[0-9.e-]+[ ;]/, e.name);
      assert.deepEqual(
        Object.keys(e).filter((k) => !["name", "unit", "value", "range", "extra"].includes(k)),
        [],
      );
    }
    const md = readFileSync(report, "utf8");
    assert.match(md, /## Targets/);
    assert.match(md, /### Memory: cgroup v[12]/);
    assert.match(md, /█/);
    assert.equal(res.files.summary, join(out, "bench-summary.md"), "where the action's job summary looks");
    assert.match(readFileSync(res.files.summary!, "utf8"), /```mermaid\nxychart-beta/);
    assert.ok(existsSync(res.files.result!));
  });

  it("linux/arm64 is labelled emulated (QEMU)", () => {
    const out = join(E2E_DIR, "out");
    const r = bench([
      "--variant",
      "minimal",
      "--platform",
      "linux/arm64",
      "--runs",
      "1",
      "--only",
      "startup",
      "--out",
      out,
      "--report",
      join(work, "arm.md"),
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const res = JSON.parse(r.stdout) as BenchResult;
    assert.equal(res.groups[0]!.execution, "emulated (QEMU)");
    assert.match(readFileSync(join(work, "arm.md"), "utf8"), /## minimal linux\/arm64 \(emulated \(QEMU\)\)/);
  });

  describe("the regression gate, on real runs", () => {
    const base = "kimigayo-bench-e2e:standard-base";
    const slow = "kimigayo-bench-e2e:standard-slow";
    let baseline: string;
    let baselineEntries: BenchmarkEntry[];

    before(() => {
      const img = build.images.find((i) => i.variant === "standard" && i.platform === "linux/amd64")!;
      loadRootfs(img.rootfs.tar, "linux/amd64", base);
      // The same rootfs, but the rc sleeps 0.3 s after its last runlevel, before the ready line.
      const tar = join(work, "slow.tar");
      writeFileSync(tar, slowerRootfs(readFileSync(img.rootfs.tar), 300));
      const rc = readTar(readFileSync(tar)).find((e) => e.path === "sbin/kimigayo-rc");
      assert.ok(rc?.type === "file" && /\trunlevel \$default\n\tsleep 0\.300\n/.test(Buffer.from(rc.data).toString()));
      loadRootfs(tar, "linux/amd64", slow);
      const r = bench([
        "--image",
        `standard=${base}`,
        "--aa",
        "--only",
        "boot",
        "--runs",
        "3",
        "--out",
        join(work, "base"),
        "--report",
        join(work, "base.md"),
      ]);
      assert.equal(r.code, 0, r.stderr.slice(-3000));
      baseline = join(work, "base", "bench", "benchmark.json");
      baselineEntries = JSON.parse(readFileSync(baseline, "utf8")) as BenchmarkEntry[];
      const inside = baselineEntries.find((e) => e.name === "standard linux/amd64: boot to ready, in container");
      assert.match(inside?.extra ?? "", / res=0\.001 noise=[0-9.]+%[ ;]/, "the A/A baseline carries the µs clock and the noise floor");
    });

    it("the A/A baseline gives every figure the gate judges a noise floor, docker stop and the ratio included", () => {
      assert.deepEqual(baselineEntries.map((e) => e.name.replace(/^standard linux\/amd64: /, "")).sort(), [
        "boot to ready, docker run to ready line",
        "boot to ready, docker run to ready line ÷ floor startup",
        "boot to ready, in container",
        "shutdown (docker stop)",
      ]);
      for (const e of baselineEntries) assert.match(e.extra ?? "", / noise=[0-9.]+%[ ;]/, `${e.name}: ${e.extra}`);
      // Each time figure carries the machine's pace (the floor's best run in the same rounds); the ratio is already against it.
      for (const e of baselineEntries)
        assert.match(e.extra ?? "", e.unit === "ms" ? / machine=[0-9.]+;/ : /^(?!.* machine=)/, `${e.name}: ${e.extra}`);
    });
    after(() => {
      docker(["rmi", base, slow]);
    });

    it("an unchanged image: a gate row per figure, each limit max(threshold, its floor); the exit code follows the verdict", () => {
      const r = bench([
        "--image",
        `standard=${base}`,
        "--only",
        "boot",
        "--runs",
        "3",
        "--baseline",
        baseline,
        "--out",
        join(work, "same"),
        "--report",
        join(work, "same.md"),
        "--json",
      ]);
      const res = JSON.parse(r.stdout) as {
        gate: {
          passed: boolean;
          thresholdPct: number;
          rows: { name: string; verdict: string; limitPct?: number }[];
          regressions: unknown[];
        };
      };
      // Pass or fail is this machine's load at this moment: asserted on recorded figures, not here.
      assert.equal(r.code, res.gate.passed ? 0 : 1, r.stderr.slice(-3000));
      assert.equal(res.gate.passed, res.gate.regressions.length === 0);
      assert.equal(res.gate.thresholdPct, 10);
      assert.deepEqual(
        res.gate.rows.map((x) => x.name).sort(),
        baselineEntries.map((e) => e.name).sort(),
        "one row per figure, none new or missing",
      );
      for (const row of res.gate.rows) {
        assert.ok(["ok", "noise", "load", "improved", "regression", "unconfirmed"].includes(row.verdict), `${row.name}: ${row.verdict}`);
        const floor = Number(/ noise=([0-9.]+)%/.exec(baselineEntries.find((e) => e.name === row.name)!.extra ?? "")![1]);
        assert.ok(
          row.limitPct !== undefined && row.limitPct >= Math.max(10, floor) - 1e-9,
          `${row.name}: limit ${row.limitPct}, floor ${floor}`,
        );
      }
      const md = readFileSync(join(work, "same.md"), "utf8");
      assert.match(
        md,
        res.gate.passed ? /## Regression gate \(threshold 10 %\): passed/ : /## Regression gate \(threshold 10 %\): \d+ regression\(s\)/,
      );
      if (!res.gate.passed) assert.match(r.stderr, /benchmark regression: /);
    });

    it("the image whose rc sleeps 0.3 s trips it (exit 1) twice, confirmed, naming the figure", () => {
      const r = bench([
        "--image",
        `standard=${slow}`,
        "--only",
        "boot",
        "--runs",
        "3",
        "--baseline",
        baseline,
        "--out",
        join(work, "slow"),
        "--report",
        join(work, "slow.md"),
        "--json",
      ]);
      assert.equal(r.code, 1, r.stderr.slice(-3000));
      assert.match(r.stderr, /benchmark regression: .*standard linux\/amd64: boot to ready, in container/);
      const res = JSON.parse(r.stdout) as {
        gate: { passed: boolean; regressions: { name: string }[]; confirmation?: { cases: string[]; tripped: string[] } };
      };
      assert.equal(res.gate.passed, false);
      const inside = "standard linux/amd64: boot to ready, in container";
      assert.ok(
        res.gate.regressions.some((x) => x.name === inside),
        `the gate: ${JSON.stringify(res.gate, null, 1).slice(0, 3000)}`,
      );
      assert.deepEqual(res.gate.confirmation?.cases, ["boot"]);
      assert.ok(res.gate.confirmation?.tripped.includes(inside));
      assert.match(r.stderr, /tripped; measuring boot again to confirm/);
    });
  });
});
