/**
 * scripts/actionlint.mjs (run by `npm run lint`): rhysd's actionlint over the workflows and the
 * README's workflow examples. Planted problems must be found, at the line they are on, so the lint
 * step cannot pass vacuously.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
// @ts-expect-error: a plain ESM script without types
import { lintWorkflows, projectWorkflows, readmeWorkflows } from "../../scripts/actionlint.mjs";

interface Text {
  path: string;
  text: string;
  line: number;
}
interface Problem {
  path: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}
const lint = lintWorkflows as (texts: Text[]) => Promise<Problem[]>;
const examples = readmeWorkflows as (readme: string, path?: string) => Text[];

const BAD = `name: bad
on: pull_request
permissions:
  contents: read
  workflows: write
jobs:
  check:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
`;

describe("actionlint", () => {
  it("finds planted problems: a permission GITHUB_TOKEN cannot have, an untrusted expression in run:", async () => {
    const problems = await lint([{ path: "bad.yml", text: BAD, line: 1 }]);
    const found = problems.map((p) => `${p.line}:${p.kind}`);
    assert.ok(found.includes("5:permissions"), found.join(", "));
    assert.ok(found.includes("10:expression"), found.join(", "));
    assert.match(problems.find((p) => p.kind === "permissions")!.message, /unknown permission scope "workflows"/);
  });

  it("reads README examples: whole workflows as they stand, step lists inside a workflow, lines counted in the README", async () => {
    const readme = [
      "# Title", // 1
      "", // 2
      "```yaml", // 3
      "name: whole", // 4
      "on: push", // 5
      "permissions: { contents: read }", // 6
      "jobs:", // 7
      "  a:", // 8
      "    runs-on: ubuntu-24.04", // 9
      "    steps:", // 10
      "      - run: echo ok", // 11
      "```", // 12
      "", // 13
      "```yaml", // 14
      "version: 1.0.0", // 15: a config, not a workflow
      "```", // 16
      "", // 17
      "```yaml", // 18
      "      - uses: actions/checkout@v1", // 19: a step list; v1 runs on a runner GitHub no longer has
      '      - run: echo "${{ github.event.issue.title }}"', // 20
      "```", // 21
    ].join("\n");
    const texts = examples(readme, "EXAMPLE.md");
    assert.equal(texts.length, 2, "the whole workflow and the step list, not the config");
    const problems = await lint(texts);
    assert.deepEqual(
      problems.map((p) => `${p.path}:${p.line}:${p.kind}`),
      ["EXAMPLE.md:19:action", "EXAMPLE.md:20:expression"],
    );
  });

  it("this repository's workflows and README examples are clean", async () => {
    const texts = projectWorkflows() as Text[];
    assert.ok(texts.filter((t) => t.path.startsWith(".github/workflows/")).length >= 4);
    assert.ok(texts.filter((t) => t.path === "README.md").length >= 3, "the README's release, PR and downstream examples");
    assert.deepEqual(await lint(texts), []);
  });
});
