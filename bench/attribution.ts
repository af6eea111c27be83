/**
 * npm run bench:size [-- PLATFORM,...]: size attribution and compressed sizes on a real change.
 *
 * Two copies of configs/: the base as it is, and a "PR" whose standard fragment adds
 * CONFIG_HTTPD=y. Each is built through the CLI (standard only, the oci engine, so there is an
 * image layout to estimate pulls from; BusyBox builds come from the usual cache when they are
 * there), the base's size-check writes a report, and the PR's size-check reads it as its baseline.
 * From the PR's --json report, per platform:
 *   the top contributor to /bin/busybox's change is CONFIG_HTTPD          (target: yes)
 *   |its bytes − the binary's growth| ÷ the binary's growth                (target: ≤ 5 %)
 *   the attribution rows sum to the binary                                  (target: exactly)
 * and, as figures: gzip, zstd and estimated pull bytes of both images.
 * A benchmark, not a test: it prints figures beside targets and exits 1 when one is missed.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { table } from "../src/cli/table.js";
import { formatBytes } from "../src/lib/format.js";
import type { SizeReport } from "../src/size/types.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const platforms = (process.argv[2] ?? "linux/amd64,linux/arm64").split(",");
const OPTION = "CONFIG_HTTPD";
const TOLERANCE = 0.05;

/** Runs the CLI; `ok` are the exit codes that are results (a size-check over budget still reports). */
function kimigayo(args: string[], what: string, ok: number[] = [0]): { code: number; stdout: string; stderr: string } {
  process.stderr.write(`${what}… `);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  if (!ok.includes(r.status ?? -1)) throw new Error(`kimigayo ${args.join(" ")} exited ${r.status}:\n${r.stderr.slice(-3000)}`);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const work = mkdtempSync(join(tmpdir(), "kimigayo-bench-size-"));
let failed = false;
const mark = (ok: boolean) => {
  if (!ok) failed = true;
  return ok ? "✓" : "✗";
};
try {
  const project = (name: string, extra: string) => {
    const dir = join(work, name);
    cpSync(join(ROOT, "configs"), dir, { recursive: true });
    if (extra) appendFileSync(join(dir, "busybox/standard.config"), `\n# bench: the change under test\n${extra}\n`);
    return dir;
  };
  const reports: Record<string, SizeReport> = {};
  let terminal = "";
  let markdown = "";
  for (const [name, extra] of [
    ["base", ""],
    ["pr", `${OPTION}=y`],
  ] as const) {
    const dir = project(name, extra);
    const cfg = join(dir, "kimigayo.yml");
    const out = join(dir, "out");
    kimigayo(
      ["build", "--config", cfg, "--variant", "standard", "--platform", platforms.join(","), "--engine", "oci", "--out", out],
      `${name}: build standard ${platforms.join(", ")}`,
    );
    const args = ["size-check", "--config", cfg, "--out", out, "--json", "--report", join(dir, "report.json")];
    if (name === "pr") args.push("--baseline", join(work, "base", "report.json"), "--markdown", join(dir, "size.md"));
    const r = kimigayo(args, `${name}: size-check`, [0, 1]);
    reports[name] = JSON.parse(r.stdout) as SizeReport;
    if (name === "pr") {
      terminal = r.stderr;
      markdown = readFileSync(join(dir, "size.md"), "utf8");
    }
  }

  console.log(`The change: standard + ${OPTION}=y against standard\n`);
  console.log("size-check's terminal output (PR against base):\n");
  console.log(
    terminal
      .split("\n")
      .filter((l) => !/^(wrote|warning: the build used)/.test(l))
      .join("\n")
      .trim(),
  );
  const contributorsMd = markdown.split("\n").filter((l) => /^Top contributors|^- \*\*standard/.test(l));
  console.log(`\nPR comment (markdown), top contributors:\n\n${contributorsMd.join("\n")}\n`);

  const rows: string[][] = [];
  const sizes: string[][] = [];
  for (const platform of platforms) {
    const pr = reports.pr!.images.find((i) => i.variant === "standard" && i.platform === platform);
    const base = reports.base!.images.find((i) => i.variant === "standard" && i.platform === platform);
    if (!pr || !base) throw new Error(`no standard ${platform} in the reports`);
    for (const [label, i] of [
      ["base", base],
      ["pr", pr],
    ] as const) {
      sizes.push([
        label,
        platform,
        formatBytes(i.uncompressed),
        formatBytes(i.compressed),
        i.zstd === null ? "—" : formatBytes(i.zstd),
        i.pull ? formatBytes(i.pull.gzip) : "—",
        i.pull?.zstd != null ? formatBytes(i.pull.zstd) : "—",
      ]);
    }
    const a = pr.attribution;
    const sum = a ? a.rows.reduce((n, r) => n + r.bytes, 0) : NaN;
    rows.push([
      platform,
      "attribution rows sum",
      a ? `${formatBytes(sum)} of ${formatBytes(a.binary)}` : "none",
      "= binary",
      mark(!!a && sum === a.binary),
    ]);
    const d = pr.attributionDelta;
    const top = d?.contributors[0];
    rows.push([
      platform,
      "top contributor",
      top ? `${top.name} ${top.delta >= 0 ? "+" : ""}${formatBytes(top.delta)}` : "none",
      OPTION,
      mark(top?.name === OPTION),
    ]);
    const off = d && top ? Math.abs(top.delta - d.delta) / Math.abs(d.delta) : NaN;
    rows.push([
      platform,
      "|top − growth| ÷ growth",
      d && top ? `${(off * 100).toFixed(1)} % (binary +${formatBytes(d.delta)})` : "none",
      `≤ ${TOLERANCE * 100} %`,
      mark(off <= TOLERANCE),
    ]);
  }
  console.log(`Sizes (pull = index + manifest + config + layer, for one platform)\n`);
  console.log(table(["image", "platform", "rootfs tar", "gzip", "zstd", "pull (gzip)", "pull (zstd)"], sizes, [2, 3, 4, 5, 6]));
  console.log(`\nAttribution\n\n${table(["platform", "figure", "measured", "target", ""], rows)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
