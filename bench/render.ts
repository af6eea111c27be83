/**
 * Reports as GitHub shows them: markdown rendered with GFM (micromark, raw HTML kept as GitHub keeps
 * <details>, <br> and the like), styled with GitHub's markdown CSS (github-markdown-css, the
 * `.markdown-body` rules github.com uses), mermaid blocks drawn by mermaid itself, in headless
 * Chromium at a given column width: 900 px (a PR's conversation column) and 420 px (a phone).
 *
 * For each document and width it measures what a reader meets, inside the page itself:
 * - overflow: every table, code block, image or chart wider than the column (GitHub lets a wide
 *   table scroll inside itself, so its right-hand columns are off-screen: that is what is counted);
 * - mermaid: every block that does not parse (GitHub shows an error box instead of a chart);
 * - the page height, and how far down each heading starts (the first screenful is ~700 px).
 * and takes a full-page screenshot (PNG).
 *
 * `npm run bench:render -- FILE.md ... [--out DIR]` renders the files given (a PR comment written by
 * `size-check --markdown`, a bench summary, RELEASE_NOTES.md …) and exits 1 when any overflows or
 * has a broken chart. Chromium is Debian's `chromium` package.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";

const ROOT = resolve(import.meta.dirname, "..");
export const WIDTHS = [900, 420] as const;
const CSS = join(ROOT, "node_modules/github-markdown-css/github-markdown-light.css");
const MERMAID = join(ROOT, "node_modules/mermaid/dist/mermaid.min.js");
export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export interface Overflow {
  /** The element, as tag.class and its first words. */
  what: string;
  /** Its full width (scrollWidth) against the room it has. */
  width: number;
  room: number;
}

export interface Rendered {
  width: number;
  height: number;
  overflows: Overflow[];
  mermaidErrors: string[];
  mermaidCharts: number;
  headings: { text: string; top: number }[];
  screenshot: string;
}

/** The page: GitHub's column (its 16 px padding inside a bordered box of `width`), the CSS, mermaid, the measuring script. */
export function pageHtml(markdown: string, width: number): string {
  const body = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true }).replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    (_m, code: string) => `<pre class="mermaid-source" hidden>${code}</pre><div class="mermaid-chart"></div>`,
  );
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=${width}">
<link rel="stylesheet" href="${pathToFileURL(CSS).href}">
<style>body{margin:0;background:#fff} .markdown-body{box-sizing:border-box;width:${width}px;padding:16px;border:1px solid #d0d7de;border-radius:6px}</style>
<script src="${pathToFileURL(MERMAID).href}"></script>
</head><body><article class="markdown-body" id="doc">${body}</article>
<pre id="kimigayo-result" hidden></pre>
<script>
(async () => {
  const result = { overflows: [], mermaidErrors: [], mermaidCharts: 0, headings: [], height: 0 };
  try {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
    const sources = [...document.querySelectorAll("pre.mermaid-source")];
    for (let i = 0; i < sources.length; i++) {
      const text = sources[i].textContent;
      const target = sources[i].nextElementSibling;
      try {
        await mermaid.parse(text);
        const { svg } = await mermaid.render("kimigayo-chart-" + i, text);
        target.innerHTML = svg;
        result.mermaidCharts++;
      } catch (e) {
        result.mermaidErrors.push("chart " + (i + 1) + ": " + String(e && e.message || e).split("\\n")[0]);
      }
    }
  } catch (e) {
    result.mermaidErrors.push("mermaid did not load: " + e);
  }
  const doc = document.getElementById("doc");
  const room = doc.clientWidth - 32;
  const label = (el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "") + " \\"" + (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40) + "\\"";
  for (const h of doc.querySelectorAll("h1, h2, h3, h4, summary")) {
    result.headings.push({ text: (h.textContent || "").trim().slice(0, 60), top: Math.round(h.getBoundingClientRect().top + window.scrollY) });
  }
  result.height = Math.round(document.documentElement.scrollHeight);
  // Folded sections are measured opened (a reader opens them), then folded again for the screenshot.
  const folded = [...doc.querySelectorAll("details:not([open])")];
  for (const d of folded) d.open = true;
  for (const el of doc.querySelectorAll("table, pre:not(.mermaid-source), img, div.mermaid-chart > svg")) {
    const w = Math.max(el.scrollWidth, el.getBoundingClientRect().width);
    if (w > room + 1) result.overflows.push({ what: label(el), width: Math.round(w), room });
  }
  for (const d of folded) d.open = false;
  document.getElementById("kimigayo-result").textContent = JSON.stringify(result);
})();
</script></body></html>`;
}

export function chromium(): string | undefined {
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

function runChromium(bin: string, args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("close", (code) => {
      clearTimeout(timer);
      done({ code: code ?? 128, stdout, stderr });
    });
  });
}

const chromiumFlags = (width: number, profile: string) => [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--hide-scrollbars",
  "--allow-file-access-from-files",
  `--user-data-dir=${profile}`,
  "--virtual-time-budget=15000",
  `--window-size=${width + 2},900`,
];

/** Renders `markdown` at `width` px; the screenshot is written to `png`. */
export async function render(markdown: string, width: number, png: string, bin = chromium()): Promise<Rendered> {
  if (!bin) throw new Error(`no Chromium (looked for ${CHROMIUM_CANDIDATES.join(", ")}): apt-get install chromium`);
  const dir = await mkdtemp(join(tmpdir(), "kimigayo-render-"));
  try {
    const page = join(dir, "page.html");
    await writeFile(page, pageHtml(markdown, width));
    const dom = await runChromium(bin, [...chromiumFlags(width, join(dir, "profile-dom")), "--dump-dom", pathToFileURL(page).href]);
    const m = /<pre id="kimigayo-result" hidden="">([\s\S]*?)<\/pre>/.exec(dom.stdout);
    if (dom.code !== 0 || !m || !m[1])
      throw new Error(
        `Chromium did not render ${basename(png)} (exit ${dom.code}): ${dom.stderr.trim().split("\n").slice(-3).join(" | ")}`,
      );
    const result = JSON.parse(
      m[1].replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&"),
    ) as Omit<Rendered, "width" | "screenshot">;
    // A full-page screenshot: the window as tall as the page.
    const flags = chromiumFlags(width, join(dir, "profile-png")).map((f) =>
      f.startsWith("--window-size=") ? `--window-size=${width + 2},${Math.max(result.height, 200)}` : f,
    );
    const shot = await runChromium(bin, [...flags, `--screenshot=${png}`, pathToFileURL(page).href]);
    if (shot.code !== 0)
      throw new Error(`Chromium could not take the screenshot ${png}: ${shot.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    return { ...result, width, screenshot: png };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One line per finding, or "ok". */
export function describeRendered(name: string, r: Rendered): string[] {
  const lines = [
    `${name} at ${r.width} px: ${r.height} px tall, ${r.mermaidCharts} chart(s), ${r.overflows.length} overflow(s), ${r.mermaidErrors.length} chart error(s) → ${r.screenshot}`,
  ];
  for (const o of r.overflows) lines.push(`  overflow: ${o.what} is ${o.width} px wide in ${o.room} px`);
  for (const e of r.mermaidErrors) lines.push(`  mermaid: ${e}`);
  return lines;
}

async function main(argv: string[]): Promise<number> {
  const outAt = argv.indexOf("--out");
  const out = resolve(outAt >= 0 ? (argv[outAt + 1] ?? "") : "out/render");
  const files = outAt >= 0 ? [...argv.slice(0, outAt), ...argv.slice(outAt + 2)] : argv;
  if (files.length === 0 || (outAt >= 0 && !argv[outAt + 1])) {
    process.stderr.write("usage: npm run bench:render -- FILE.md ... [--out DIR]\n");
    return 2;
  }
  await mkdir(out, { recursive: true });
  let bad = 0;
  for (const f of files) {
    const md = await readFile(f, "utf8");
    for (const w of WIDTHS) {
      const r = await render(md, w, join(out, `${basename(f, ".md")}-${w}.png`));
      for (const l of describeRendered(basename(f), r)) process.stdout.write(l + "\n");
      bad += r.overflows.length + r.mermaidErrors.length;
    }
  }
  process.stdout.write(`${bad} finding(s); target 0\n`);
  return bad ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) process.exitCode = await main(process.argv.slice(2));
