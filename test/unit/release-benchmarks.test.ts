/**
 * The release against the previous one (src/release/benchmarks.ts): the previous GitHub Release's
 * benchmark-<arch>.json and size-report.json read back through the OpenAPI-validated stand-in
 * (asset bytes by Accept: application/octet-stream and GitHub's redirect), each figure's change
 * judged against its noise floor, figures measured another way (QEMU against native) not compared,
 * and the notes' sections: verdict first, unchanged figures folded, a chart with an explicit range.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { githubClient } from "../../src/github/client.js";
import { publishRelease } from "../../src/github/releases.js";
import { UsageError } from "../../src/lib/errors.js";
import type { Logger } from "../../src/lib/log.js";
import {
  compareBench,
  platformBench,
  readPreviousRelease,
  renderBenchSection,
  renderSizeSection,
  type PlatformBench,
} from "../../src/release/benchmarks.js";
import { renderNotes } from "../../src/release/notes.js";
import type { BenchmarkEntry } from "../../src/results/benchmark.js";
import { assertAllValid, startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";

const TOKEN = "ghs_kimigayoStandInToken0123456789";
const log: Logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, step: () => () => {}, progress: () => {} };
const FIXTURE = join(import.meta.dirname, "../fixtures/bench/aa-baseline.json");

/** The recorded amd64 figures; `scale` multiplies every value and best run; `as` re-labels platform and execution. */
function entries(scale = 1, as?: { platform: string; execution: string }): BenchmarkEntry[] {
  const recorded = JSON.parse(readFileSync(FIXTURE, "utf8")) as BenchmarkEntry[];
  return recorded.map((e) => ({
    ...e,
    name: as ? e.name.replace("linux/amd64", as.platform) : e.name,
    value: Number((e.value * scale).toPrecision(6)),
    extra: (e.extra ?? "")
      .replace(/min=([0-9.]+)/, (_, m: string) => `min=${Number((Number(m) * scale).toPrecision(6))}`)
      .replace("linux/amd64 native", as ? `${as.platform} ${as.execution}` : "linux/amd64 native"),
  }));
}

describe("a figure against the previous release's, with its noise floor", () => {
  const now = platformBench(entries(), "now");
  it("reads platform and execution from the entries", () => {
    assert.equal(now.platform, "linux/amd64");
    assert.equal(now.execution, "native");
    const arm = platformBench(entries(1, { platform: "linux/arm64", execution: "emulated (QEMU)" }), "arm");
    assert.deepEqual([arm.platform, arm.execution], ["linux/arm64", "emulated (QEMU)"]);
  });
  it("refuses a file of two platforms, naming it", () => {
    const mixed = [...entries(), ...entries(1, { platform: "linux/arm64", execution: "native" })];
    assert.throws(
      () => platformBench(mixed, "mixed.json"),
      (e: unknown) => e instanceof UsageError && /mixed\.json: expected the figures of one platform/.test(e.message),
    );
  });

  const table: { what: string; scale: number; verdicts: string[] }[] = [
    // Each figure's best run: 2.934, 288.1, 95.8 ms and the ratio's median 0.7512 (noise 41.3, 8.7, 15.2, 5.1 %).
    { what: "the same figures", scale: 1, verdicts: ["within noise", "within noise", "within noise", "within noise"] },
    {
      what: "12 % slower: past the 10 % threshold and 8.7 % floor, inside 41.3 % and 15.2 %",
      scale: 1.12,
      verdicts: ["within noise", "slower", "within noise", "slower"],
    },
    { what: "20 % faster", scale: 1 / 1.2, verdicts: ["within noise", "faster", "faster", "faster"] },
  ];
  for (const t of table) {
    it(`${t.what}: ${t.verdicts.join(", ")}`, () => {
      const rows = compareBench(platformBench(entries(t.scale), "now"), now);
      assert.deepEqual(
        rows.map((r) => r.verdict),
        t.verdicts,
      );
      assert.deepEqual(
        rows.map((r) => r.limitPct),
        [41.3, 10, 15.2, 10],
      );
      assert.equal(rows[1]!.now, Number((288.1 * t.scale).toPrecision(6)), "a time is judged by its best run (min=)");
      assert.equal(rows[3]!.now, Number((0.7512 * t.scale).toPrecision(6)), "a ratio by its median");
    });
  }

  it("native figures are not compared with QEMU ones, and the notes say why", () => {
    const nativeArm = platformBench(entries(1, { platform: "linux/arm64", execution: "native" }), "arm");
    const qemuArm = platformBench(entries(3, { platform: "linux/arm64", execution: "emulated (QEMU)" }), "arm-before");
    assert.ok(compareBench(nativeArm, qemuArm).every((r) => r.verdict === "not comparable" && r.before === undefined));
    const md = renderBenchSection([nativeArm], { release: { tag: "v2.0.0", bench: [qemuArm] } }).join("\n");
    assert.match(md, /### linux\/arm64 \(native\): not comparable: v2\.0\.0 was measured under QEMU/);
    assert.doesNotMatch(md, /```mermaid/, "no chart of figures measured another way");
  });
});

describe("the notes against the previous GitHub Release (stand-in)", () => {
  let si: GitHubStandIn;
  let dir: string;
  before(async () => {
    si = await startGitHubStandIn({ token: TOKEN, immutable: true });
    dir = mkdtempSync(join(tmpdir(), "kimigayo-prev-"));
  });
  after(async () => {
    await si?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const client = () => githubClient({ token: TOKEN, apiUrl: si.url, log, retry: { pace: false, sleep: async () => {} } });

  it("a first release (no GitHub Release of the previous tag) has nothing to compare, and says so", async () => {
    assert.equal(await readPreviousRelease(client().octokit, "kimigayo", "kimigayo", "v1.9.0"), undefined);
    const now = platformBench(entries(), "now");
    const md = renderNotes({
      version: "2.0.0",
      tag: "v2.0.0",
      changes: [],
      sizes: [{ variant: "standard", platform: "linux/amd64", size: 544812, compressed: 250000 }],
      benchmarks: [now],
      baseline: { none: "The first release: there is nothing to compare against." },
    });
    assert.match(md, /## Image sizes\n\nThe first release: there is nothing to compare against\./);
    assert.match(md, /### linux\/amd64 \(native\): nothing to compare/);
    assert.match(md, /\| standard amd64 \| 544\u202f812\u00a0B \| — \|/);
  });

  it("reads the previous release's benchmark and size assets and shows each change with its limit, the moved figures first", async () => {
    // The previous release, published as the release job publishes one: its assets under SHA256SUMS.
    const prevArm = entries(1, { platform: "linux/arm64", execution: "native" });
    const files: [string, string][] = [
      ["benchmark-amd64.json", JSON.stringify(entries(1.25))],
      ["benchmark-arm64.json", JSON.stringify(prevArm)],
      [
        "size-report.json",
        JSON.stringify({
          schemaVersion: 3,
          images: [
            { variant: "standard", platform: "linux/amd64", uncompressed: 539180, compressed: 249000 },
            { variant: "standard", platform: "linux/arm64", uncompressed: 600000, compressed: 260000 },
          ],
        }),
      ],
    ];
    const { createHash } = await import("node:crypto");
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, "SHA256SUMS"), files.map(([n, t]) => `${createHash("sha256").update(t).digest("hex")}  ${n}\n`).join(""));
    await publishRelease({
      client: client(),
      owner: "kimigayo",
      repo: "kimigayo",
      tag: "v2.0.0",
      name: "Kimigayo OS 2.0.0",
      body: "first",
      prerelease: false,
      assets: [...files.map(([n]) => n), "SHA256SUMS"].map((name) => ({ name, path: join(dir, name), contentType: "application/json" })),
    });

    const prev = await readPreviousRelease(client().octokit, "kimigayo", "kimigayo", "v2.0.0");
    assert.ok(prev);
    assert.deepEqual(
      prev.bench.map((b) => `${b.platform} ${b.execution}`),
      ["linux/amd64 native", "linux/arm64 native"],
    );
    assert.deepEqual(prev.bench[1]!.entries, prevArm, "the asset's bytes, as uploaded");
    assert.equal(prev.size?.images[0]?.uncompressed, 539180);
    assertAllValid(si);
    const redirected = si.requests.filter((r) => r.operationId === "repos/get-release-asset" && r.status === 302);
    assert.equal(redirected.length, 3, "each asset downloaded through GitHub's redirect");

    const now: PlatformBench[] = [
      platformBench(entries(), "amd64"),
      platformBench(entries(1.3, { platform: "linux/arm64", execution: "native" }), "arm64"),
    ];
    const md = renderNotes({
      version: "2.1.0",
      tag: "v2.1.0",
      previous: "v2.0.0",
      changes: [],
      sizes: [
        { variant: "standard", platform: "linux/amd64", size: 544812, compressed: 250000 },
        { variant: "standard", platform: "linux/arm64", size: 600000, compressed: 260000 },
      ],
      benchmarks: now,
      baseline: { release: prev },
    });
    // Highlights first: the change per variant and each platform's verdict.
    const highlights = md.slice(md.indexOf("## Highlights"), md.indexOf("## Changes"));
    assert.match(
      highlights,
      /Size, \*\*standard\*\* against v2\.0\.0: linux\/amd64 544\u202f812\u00a0B \(\+5\u202f632\u00a0B \(\+1\.0\u00a0%\)\), linux\/arm64 600\u202f000\u00a0B \(±0\u00a0B\)/,
    );
    assert.match(
      highlights,
      /Benchmark, \*\*amd64, native\*\* against v2\.0\.0: faster boot to ready, docker run to ready line −72\.0\u00a0ms \(−20\.0\u00a0%\)/,
    );
    assert.match(highlights, /Benchmark, \*\*arm64, native\*\* against v2\.0\.0: slower/);
    assert.match(md, /## Image sizes against v2\.0\.0/);
    assert.match(
      md,
      /<details>\n<summary>1 image of the same size<\/summary>\n\n[^]*\| standard arm64 \| 600\u202f000\u00a0B \| ±0\u00a0B \|/,
      "unchanged sizes folded",
    );
    assert.match(md, /\| standard amd64 \| 544\u202f812\u00a0B \| \+5\u202f632\u00a0B \(\+1\.0\u00a0%\) \|/);
    assert.match(md, /### linux\/amd64 \(native\): none slower, 3 faster, 1 within noise/);
    assert.match(md, /### linux\/arm64 \(native\): \*\*3 slower\*\*, 0 faster, 1 within noise/);
    // The moved figures in the open, the rest folded; each change with its limit beside it.
    const arm = md.slice(md.indexOf("### linux/arm64"));
    assert.match(arm, /\| shutdown \(docker stop\) \| 125\u00a0ms \| 🔴 \+30\.0\u00a0% \| 15\.2\u00a0% \|/);
    assert.match(arm, /<details>\n<summary>The other figures \(1\)<\/summary>\n\n[^]*boot to ready, in container[^]*<\/details>/);
    // The chart: an explicit y-range from 0, only ms figures measured the same way in both.
    const chart = /```mermaid\n([^`]*)```/.exec(arm)?.[1] ?? "";
    assert.match(chart, /y-axis "ms \(best run\)" 0 --> 500/);
    assert.match(chart, /x-axis \["boot to ready, in container", "boot to ready, docker run to ready line", "shutdown"\]/);
    assert.doesNotMatch(chart, /0\.97|÷/, "the ratio is not drawn with the times");
  });

  it("a previous release whose size report is not one fails, naming the release and asset", async () => {
    writeFileSync(join(dir, "size-report.json"), JSON.stringify({ images: "none" }));
    writeFileSync(join(dir, "SUMS"), "");
    await publishRelease({
      client: client(),
      owner: "kimigayo",
      repo: "kimigayo",
      tag: "v1.0.0",
      name: "1.0.0",
      body: "",
      prerelease: false,
      assets: [{ name: "size-report.json", path: join(dir, "size-report.json"), contentType: "application/json" }],
    });
    await assert.rejects(
      readPreviousRelease(client().octokit, "kimigayo", "kimigayo", "v1.0.0"),
      (e: unknown) => e instanceof UsageError && /release v1\.0\.0's asset size-report\.json: not a size report/.test(e.message),
    );
  });

  it("sizes with nothing comparable say so and show no change", () => {
    const md = renderSizeSection([{ variant: "minimal", platform: "linux/arm64", size: 100 }], {
      release: { tag: "v2.0.0", bench: [] },
    }).join("\n");
    assert.match(md, /v2\.0\.0 published no size report: nothing to compare\./);
    assert.match(md, /\| minimal arm64 \| 100\u00a0B \| — \|/);
  });
});
