import assert from "node:assert/strict";
import { describe, test } from "node:test";
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
    ["a code span cannot form, a backslash stays a backslash", "`rm` C:\\dir", "\\`rm\\` C:\\\\dir"],
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
