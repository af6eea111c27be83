import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { mdCode, mdTable, mdText, xychart } from "../../src/lib/markdown.js";
import { renderNotes } from "../../src/release/notes.js";

const ZWJ = "\u200d";

describe("mdText: the one rule for outside text", () => {
  const table: [string, string, string][] = [
    ["a mention does not ping", "thanks @someone", `thanks @${ZWJ}someone`],
    ["a team mention", "@org/team", `@${ZWJ}org/team`],
    ["an e-mail keeps its letters", "a@b.example", `a@${ZWJ}b.example`],
    ["a lone @ stays", "meet @ 5", "meet @ 5"],
    ["HTML is shown as text", "<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"],
    ["an ampersand first, so entities are not doubled wrongly", "&lt; & <", "&amp;lt; &amp; &lt;"],
    ["a pipe cannot split a table cell", "a|b", "a\\|b"],
    ["line breaks become spaces", "one\ntwo\r\nthree\rfour", "one two three four"],
    ["a link cannot form", "[click](https://evil.example)", "\\[click\\](https://evil.example)"],
    ["an image cannot form", "![x](https://evil.example/p.png)", "!\\[x\\](https://evil.example/p.png)"],
    ["a code span renders as written; a backslash outside it stays a backslash", "`rm -rf` C:\\dir", "`rm -rf` C:\\\\dir"],
    ["what is inside a code span stays inside it", "`<b>` `[x](y)` `@u` `a&b`", "`<b>` `[x](y)` `@u` `a&b`"],
    ["a double-backtick span holds a backtick", "``a`b`` c", "``a`b`` c"],
    ["a backtick that closes nothing is escaped", "a ` b", "a \\` b"],
    ["runs of different lengths do not pair", "``a` b", "\\`\\`a\\` b"],
    ["a span holding a pipe is text (it would split a table cell)", "`a|b`", "\\`a\\|b\\`"],
    ["a span cannot carry a link out", "[`x`](https://evil.example)", "\\[`x`\\](https://evil.example)"],
    ["a span cannot open an HTML tag that outlives it", "`<b title='`'>x", "`<b title='`'&gt;x"],
    ["plain text is unchanged", "fix(busybox): add awk (#7)", "fix(busybox): add awk (#7)"],
    ["unicode is unchanged", "≤ 20 ms ✓ 君が代", "≤ 20 ms ✓ 君が代"],
  ];
  for (const [name, input, want] of table) test(name, () => assert.equal(mdText(input), want));
});

describe("mdCode", () => {
  const table: [string, boolean, string][] = [
    ["ghcr.io/o/k@sha256:ab", false, "`ghcr.io/o/k@sha256:ab`"],
    ["a`b", false, "``a`b``"],
    ["`x`", false, "`` `x` ``"],
    ["a|b", false, "`a|b`"],
    ["a|b", true, "`a\\|b`"],
    ["<b>\nx", false, "`<b> x`"],
  ];
  for (const [input, inTable, want] of table)
    test(`${JSON.stringify(input)}${inTable ? " in a table" : ""}`, () => assert.equal(mdCode(input, inTable), want));
});

describe("mdTable and xychart", () => {
  test("every cell goes through mdText; alignment per column", () => {
    assert.equal(mdTable(["name", "n"], [["@x|<y>", "1"]], [1]), `| name | n |\n| --- | ---: |\n| @${ZWJ}x\\|&lt;y&gt; | 1 |`);
  });
  test("a chart with a range and a line; quotes in labels cannot end the string", () => {
    assert.equal(
      xychart({ title: 'a "b"', x: ["1.0.0", "this build"], y: { label: "KB", max: 30 }, bar: [1, 2.5], line: [3, 3] }),
      [
        "```mermaid",
        "xychart-beta",
        `    title "a 'b'"`,
        '    x-axis ["1.0.0", "this build"]',
        '    y-axis "KB" 0 --> 30',
        "    bar [1, 2.5]",
        "    line [3, 3]",
        "```",
      ].join("\n"),
    );
    assert.ok(!xychart({ title: "t", x: ["a"], y: { label: "ms" }, bar: [1] }).includes("-->"));
  });
});

describe("release notes escape what comes from git", () => {
  test("commit subjects (PR titles), scopes and authors", () => {
    const md = renderNotes({
      version: "2.1.0",
      tag: "v2.1.0",
      changes: [
        {
          sha: "a".repeat(40),
          shas: ["a".repeat(40)],
          type: "feat",
          breaking: true,
          breakingNotes: [],
          scope: "x|y",
          subject: "ping @someone <b>now</b> a|b",
          header: "feat(x|y)!: ping @someone <b>now</b> a|b",
          author: { name: "Eve <eve@example.com>", bot: false },
          pr: 5,
        },
      ],
    });
    assert.ok(md.includes(`- ⚠️ **x\\|y:** ping @${ZWJ}someone &lt;b&gt;now&lt;/b&gt; a\\|b (#5) — Eve &lt;eve@${ZWJ}example.com&gt;`), md);
    assert.ok(md.includes(`- ⚠️ **Breaking:** **x\\|y:** ping @${ZWJ}someone &lt;b&gt;`), md);
    assert.ok(!/@someone|<b>/.test(md));
  });
});

/**
 * mdText as GitHub renders it (micromark with GFM, raw HTML let through as GitHub lets safe HTML
 * through): each input alone, two inputs side by side in one line (a backtick of one cannot pair
 * with the other's), and in a table cell. No link, no HTML tag of the input's, no mention; code
 * spans render.
 */
describe("mdText rendered: code spans render, nothing breaks out", () => {
  const render = (md: string) => micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
  const hostile = [
    "`<img src=x onerror=alert(1)>`",
    "x ` <img src=x onerror=alert(1)> `",
    "a ` b",
    "`<b title='`'>bold</b>",
    "[`x`](https://evil.example)",
    "![`p`](https://evil.example/p.png)",
    "`` ` `` <script>alert(1)</script>",
    "<https://evil.example> `",
    "ping @someone `@else`",
    "`a|b` | c",
    "\\`<i>x</i>\\`",
  ];
  // A bare URL is linked as itself (GFM's autolink literal, as GitHub does in any text): no disguised link.
  const tags = (html: string) =>
    [
      ...html
        .replace(/<a href="([^"]*)">([^<]*)<\/a>/g, (all, href: string, text: string) => (href === text ? text : all))
        .matchAll(/<\/?([a-z]+)/g),
    ].map((m) => m[1]!);
  const mentions = (html: string) => [...html.replace(/<code>[^<]*<\/code>/g, "").matchAll(/(?:^|[^\w])@([a-z0-9][a-z0-9-]*)/gi)];
  for (const a of hostile) {
    test(JSON.stringify(a), () => {
      for (const b of hostile) {
        const line = render(`- ${mdText(a)} ${mdText(b)}`);
        assert.deepEqual(
          [...new Set(tags(line))].filter((t) => !["ul", "li", "code"].includes(t)),
          [],
          `${a} + ${b}: ${line}`,
        );
        assert.deepEqual(mentions(line), [], line);
        const table = render(`| a | b |\n|---|---|\n| ${mdText(a)} | ${mdText(b)} |`);
        assert.equal((table.match(/<td>/g) ?? []).length, 2, table);
        assert.deepEqual(
          [...new Set(tags(table))].filter((t) => !["table", "thead", "tbody", "tr", "th", "td", "code"].includes(t)),
          [],
          table,
        );
      }
    });
  }

  test("code spans render as code", () => {
    assert.equal(render(mdText("fix: `make -j2` uses `$(nproc)`")), "<p>fix: <code>make -j2</code> uses <code>$(nproc)</code></p>");
    assert.equal(render(mdText("`<b>` stays text")), "<p><code>&lt;b&gt;</code> stays text</p>");
  });
});
