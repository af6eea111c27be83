/**
 * The pipeline as data: the README's pipeline line against the stage lists, and the one runner
 * (order, skips with their reasons, timing, starting later in a list from saved results).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { streamLogger, type Logger } from "../../src/lib/log.js";
import { runStages } from "../../src/pipeline/runner.js";
import type { Config } from "../../src/config/schema.js";
import { UsageError } from "../../src/lib/errors.js";
import { effectiveEpoch } from "../../src/stages/build/context.js";
import { BUILD, RELEASE } from "../../src/pipeline/stages.js";
import type { Stage } from "../../src/stages/stage.js";

const README = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

/** The fenced `config -> … ` line near the top of the README. */
function pipelineLine(text: string): string[] {
  const m = /^```\n(config -> [^\n]+)\n```$/m.exec(text);
  assert.ok(m, "the README has a fenced `config -> …` pipeline line");
  return m[1]!.split(" -> ");
}

describe("the stage lists", () => {
  test("the README's pipeline line is config, then the release's stages in order", () => {
    assert.deepEqual(pipelineLine(README), ["config", ...RELEASE.map((s) => s.name)]);
  });

  test("the sentence after it names the build's stages in order", () => {
    const build = /`kimigayo build` runs \*\*([^*]+)\*\*/.exec(README);
    assert.ok(build, "the README says which stages `kimigayo build` runs");
    assert.deepEqual(
      build[1]!.split(" → "),
      BUILD.map((s) => s.name),
    );
  });

  test("the release contains the build, in one piece, after preflight", () => {
    const names = RELEASE.map((s) => s.name);
    assert.equal(names[0], "preflight");
    assert.deepEqual(
      names.slice(1, 1 + BUILD.length),
      BUILD.map((s) => s.name),
    );
    assert.equal(new Set(names).size, names.length, "stage names are unique");
    for (const n of names) assert.match(n, /^[a-z]+(-[a-z]+)*$/, `${n} is kebab-case`);
  });
});

/** A logger that records lines in the CLI's progress style. */
function recorder(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: () => {},
    step: (title) => {
      lines.push(`▶ ${title}`);
      return (failure) => lines.push(failure === undefined ? `✔ ${title}` : `✘ ${title} failed`);
    },
    progress: () => {},
  };
  return { log, lines };
}

interface Ctx {
  log: Logger;
  dryRun: boolean;
  ran: string[];
  value?: number;
}

const stages: Stage<Ctx>[] = [
  {
    name: "first",
    run: async (ctx) => {
      ctx.ran.push("first");
      ctx.value = 1;
    },
  },
  { name: "second", title: (ctx) => `second: value ${ctx.value}`, run: async (ctx) => void ctx.ran.push("second") },
  {
    name: "publish",
    skip: (ctx) => (ctx.dryRun ? "dry run: nothing leaves this machine" : false),
    run: async (ctx) => void ctx.ran.push("publish"),
  },
  {
    name: "last",
    run: async (ctx) => {
      await new Promise((r) => setTimeout(r, 20));
      ctx.ran.push(`last with ${ctx.value}`);
    },
  },
];

describe("runStages", () => {
  test("runs every stage in order, each as a logged step, and times it", async () => {
    const { log, lines } = recorder();
    const ctx: Ctx = { log, dryRun: false, ran: [] };
    const runs = await runStages(stages, ctx);
    assert.deepEqual(ctx.ran, ["first", "second", "publish", "last with 1"]);
    assert.deepEqual(lines, ["▶ first", "✔ first", "▶ second: value 1", "✔ second: value 1", "▶ publish", "✔ publish", "▶ last", "✔ last"]);
    assert.deepEqual(
      runs.map((r) => r.name),
      ["first", "second", "publish", "last"],
    );
    assert.ok(runs[3]!.seconds >= 0.015, `the last stage took ${runs[3]!.seconds} s`);
  });

  test("a skipped stage says why, in the log and in the result", async () => {
    const { log, lines } = recorder();
    const ctx: Ctx = { log, dryRun: true, ran: [] };
    const runs = await runStages(stages, ctx);
    assert.deepEqual(ctx.ran, ["first", "second", "last with 1"]);
    assert.ok(lines.includes("⏭ publish: skipped (dry run: nothing leaves this machine)"), lines.join("\n"));
    assert.deepEqual(runs[2], { name: "publish", skipped: "dry run: nothing leaves this machine", seconds: 0 });
  });

  test("an unknown restored stage is a usage error that lists the stages, before any stage runs", async () => {
    const { log } = recorder();
    const ctx: Ctx = { log, dryRun: false, ran: [] };
    await assert.rejects(runStages(stages, ctx, { restored: { deploy: "from the saved results" } }), (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /no stage named "deploy"; the stages are: first, second, publish, last/);
      return true;
    });
    assert.deepEqual(ctx.ran, []);
  });

  test("a failing stage stops the list: nothing after it runs; its step ends ✘, never ✔", async () => {
    const { log, lines } = recorder();
    const ctx: Ctx = { log, dryRun: false, ran: [] };
    const failing: Stage<Ctx>[] = [
      stages[0]!,
      {
        name: "check",
        run: async () => {
          throw new Error("over budget");
        },
      },
      stages[3]!,
    ];
    await assert.rejects(runStages(failing, ctx), /over budget/);
    assert.deepEqual(ctx.ran, ["first"]);
    assert.deepEqual(lines, ["▶ first", "✔ first", "▶ check", "✘ check failed"]);
  });

  test("the CLI's logger: a step that failed ends with ✘ and 'failed'", () => {
    let out = "";
    const log = streamLogger({ write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream);
    log.step("push")(new Error("503"));
    log.step("tag")();
    assert.match(out, /^▶ push\n✘ push failed \(\d+\.\d s\)\n▶ tag\n✔ tag \(\d+\.\d s\)\n$/);
  });
});

describe("effectiveEpoch: SOURCE_DATE_EPOCH or the config's, never a silent replacement", () => {
  const cfg = { sourceDateEpoch: 1767225600 } as Config;
  test("unset or empty: the config's; whole seconds: that value", () => {
    assert.equal(effectiveEpoch(cfg, {}), 1767225600);
    assert.equal(effectiveEpoch(cfg, { SOURCE_DATE_EPOCH: "" }), 1767225600);
    assert.equal(effectiveEpoch(cfg, { SOURCE_DATE_EPOCH: "0" }), 0);
    assert.equal(effectiveEpoch(cfg, { SOURCE_DATE_EPOCH: "1700000000" }), 1700000000);
  });
  test("malformed or beyond a tar header: bad input naming the variable", () => {
    for (const bad of ["1.5", "-1", "tomorrow", " 17", "99999999999"])
      assert.throws(
        () => effectiveEpoch(cfg, { SOURCE_DATE_EPOCH: bad }),
        (e: Error) => e instanceof UsageError && e.message.startsWith(`SOURCE_DATE_EPOCH=${JSON.stringify(bad)} is not a timestamp`),
        bad,
      );
  });
});
