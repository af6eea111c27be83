import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, mock, test } from "node:test";
import { cachedEntry, exists } from "../../src/lib/cache.js";
import { mapLimit } from "../../src/lib/concurrency.js";
import { CheckFailure, exitCodeOf, formatError, UsageError } from "../../src/lib/errors.js";
import { isTransient, RetryableError, withRetry, type RetryOptions } from "../../src/lib/retry.js";
import { KILL_GRACE_MS, run, runChecked } from "../../src/lib/exec.js";

// ---------------------------------------------------------------------------
// retry
// ---------------------------------------------------------------------------

const transient = (code = "ECONNRESET") => Object.assign(new Error(`socket: ${code}`), { code });

describe("withRetry", () => {
  /** A fake clock: Date.now() advances only when the injected sleep "waits". */
  let clock = 0;
  let slept: number[] = [];
  beforeEach(() => {
    clock = 1_000_000;
    slept = [];
    mock.method(Date, "now", () => clock);
  });
  afterEach(() => mock.restoreAll());
  const fake = (over: RetryOptions = {}): RetryOptions => ({
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...over,
  });

  /** fn failing with errors[i] on call i+1, then returning "ok". */
  function script(errors: unknown[]) {
    const calls: number[] = [];
    const fn = async (attempt: number) => {
      calls.push(attempt);
      const err = errors[calls.length - 1];
      if (err !== undefined) throw err;
      return "ok";
    };
    return { fn, calls };
  }

  test("retries transient errors with jittered exponential backoff, then succeeds", async () => {
    const { fn, calls } = script([transient("ECONNRESET"), transient("ETIMEDOUT"), { cause: { code: "UND_ERR_SOCKET" } }]);
    const retries: [number, number][] = [];
    const r = await withRetry(fn, fake({ onRetry: (_e, attempt, delay) => retries.push([attempt, delay]) }));
    assert.equal(r, "ok");
    assert.deepEqual(calls, [1, 2, 3, 4]);
    // random() = 0.5 of base 250 * 2^(attempt-1)
    assert.deepEqual(slept, [125, 250, 500]);
    assert.deepEqual(retries, [
      [1, 125],
      [2, 250],
      [3, 500],
    ]);
  });

  test("each delay is capped by maxDelayMs", async () => {
    const { fn } = script([transient(), transient(), transient(), transient()]);
    await withRetry(fn, fake({ attempts: 5, baseMs: 1000, maxDelayMs: 3000, random: () => 0.999999 }));
    assert.deepEqual(slept, [999, 1999, 2999, 2999]);
  });

  test("stops after `attempts` tries and throws the last error", async () => {
    const errors = [transient(), transient(), transient("EPIPE"), transient()];
    const { fn, calls } = script(errors);
    await assert.rejects(withRetry(fn, fake({ attempts: 3 })), (e) => e === errors[2]);
    assert.deepEqual(calls, [1, 2, 3]);
    assert.equal(slept.length, 2);
  });

  test("attempts: 1 means no retry", async () => {
    const { fn, calls } = script([transient()]);
    await assert.rejects(withRetry(fn, fake({ attempts: 1 })), /ECONNRESET/);
    assert.deepEqual(calls, [1]);
    assert.deepEqual(slept, []);
  });

  test("honours RetryableError.retryAfterMs instead of the backoff", async () => {
    const { fn, calls } = script([new RetryableError("429", 1500), new RetryableError("503")]);
    assert.equal(await withRetry(fn, fake()), "ok");
    assert.deepEqual(calls, [1, 2, 3]);
    assert.deepEqual(slept, [1500, 250]); // second: no Retry-After, so the jittered backoff
  });

  test("a custom retryable() may ask for a delay", async () => {
    const { fn } = script([new Error("busy")]);
    await withRetry(fn, fake({ retryable: () => ({ retryAfterMs: 42 }) }));
    assert.deepEqual(slept, [42]);
  });

  for (const [name, err] of [
    ["a plain Error", new Error("404 not found")],
    ["a UsageError", new UsageError("bad input")],
    ["an unknown code", transient("ENOENT")],
    ["a string", "boom"],
    ["null", null],
  ] as const) {
    test(`a non-transient error (${name}) fails at once`, async () => {
      const { fn, calls } = script([err]);
      await assert.rejects(withRetry(fn, fake()), (e) => e === err);
      assert.deepEqual(calls, [1]);
      assert.deepEqual(slept, []);
    });
  }

  test("gives up when the next delay would pass the budget", async () => {
    // Delays 399, then 799: 399 + 799 > 1000, so the second retry is not made.
    const errors = [transient(), transient(), transient()];
    const { fn, calls } = script(errors);
    await assert.rejects(withRetry(fn, fake({ baseMs: 400, budgetMs: 1000, random: () => 0.999 })), (e) => e === errors[1]);
    assert.deepEqual(calls, [1, 2]);
    assert.deepEqual(slept, [399]);
  });

  test("time spent in fn counts against the budget", async () => {
    const { fn: inner, calls } = script([transient(), transient()]);
    const fn = async (attempt: number) => {
      clock += 900; // each try takes 900 ms
      return inner(attempt);
    };
    await assert.rejects(withRetry(fn, fake({ budgetMs: 1000 })), /ECONNRESET/);
    assert.deepEqual(calls, [1]);
    assert.deepEqual(slept, []);
  });

  test("a Retry-After longer than the budget gives up instead of retrying early", async () => {
    const { fn, calls } = script([new RetryableError("429", 5000)]);
    await assert.rejects(withRetry(fn, fake({ budgetMs: 1000 })), /429/);
    assert.deepEqual(calls, [1]);
  });
});

describe("isTransient", () => {
  const cases: [string, unknown, boolean | { retryAfterMs: number }][] = [
    ["ECONNRESET", transient("ECONNRESET"), true],
    ["ECONNREFUSED", transient("ECONNREFUSED"), true],
    ["EAI_AGAIN", transient("EAI_AGAIN"), true],
    [
      "fetch failed with an undici cause",
      Object.assign(new TypeError("fetch failed"), { cause: { code: "UND_ERR_CONNECT_TIMEOUT" } }),
      true,
    ],
    ["RetryableError", new RetryableError("x"), true],
    ["RetryableError with Retry-After", new RetryableError("x", 30), { retryAfterMs: 30 }],
    ["ENOENT", transient("ENOENT"), false],
    ["plain Error", new Error("x"), false],
    ["undefined", undefined, false],
  ];
  for (const [name, err, want] of cases) test(name, () => assert.deepEqual(isTransient(err), want));
});

// ---------------------------------------------------------------------------
// cache
// ---------------------------------------------------------------------------

describe("cachedEntry", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "kimigayo-cache-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("a producer that throws leaves no entry and no temporary directory", async () => {
    const dir = join(root, "fail");
    let tmpSeen = "";
    await assert.rejects(
      cachedEntry(dir, "k1", async (tmp) => {
        tmpSeen = tmp;
        await writeFile(join(tmp, "half"), "partial");
        throw new Error("compile failed");
      }),
      /compile failed/,
    );
    assert.ok(tmpSeen.startsWith(join(dir, ".tmp-k1-")));
    assert.equal(await exists(join(dir, "k1")), false);
    assert.deepEqual(await readdir(dir), []);
  });

  test("success renames the temporary directory into place; a second call is a hit without producing", async () => {
    const dir = join(root, "ok");
    let produced = 0;
    const produce = async (tmp: string) => {
      produced++;
      await writeFile(join(tmp, "facts.json"), '{"n":1}');
    };
    const first = await cachedEntry(dir, "k2", produce);
    assert.deepEqual(first, { path: join(dir, "k2"), hit: false });
    assert.equal(await readFile(join(dir, "k2", "facts.json"), "utf8"), '{"n":1}');
    assert.deepEqual(await readdir(dir), ["k2"]);

    const second = await cachedEntry(dir, "k2", async () => assert.fail("produce must not run on a hit"));
    assert.deepEqual(second, { path: join(dir, "k2"), hit: true });
    assert.equal(produced, 1);
  });

  test("after a failure the same key can be produced", async () => {
    const dir = join(root, "retry");
    await assert.rejects(cachedEntry(dir, "k", async () => Promise.reject(new Error("once"))));
    const r = await cachedEntry(dir, "k", async (tmp) => writeFile(join(tmp, "f"), "x"));
    assert.equal(r.hit, false);
    assert.deepEqual(await readdir(dir), ["k"]);
  });

  test("stale temporaries of dead processes are swept; live ones are kept", async () => {
    const dir = join(root, "sweep");
    // A pid that surely is dead: a child that has exited.
    const child = spawnSync(process.execPath, ["-e", "0"]);
    const deadPid = child.pid!;
    assert.ok(deadPid > 0);
    const stale = `.tmp-other-${deadPid}-abc123`;
    const ours = `.tmp-other-${process.pid}-def456`;
    const live = `.tmp-other-1-ghi789`; // pid 1 is always alive
    for (const d of [stale, ours, live]) {
      await mkdir(join(dir, d, "obj"), { recursive: true });
      await writeFile(join(dir, d, "obj", "x.o"), "x");
    }
    const r = await cachedEntry(dir, "k3", async () => {});
    assert.equal(r.hit, false);
    assert.deepEqual((await readdir(dir)).sort(), [ours, live, "k3"].sort());
  });

  test("a hit does not sweep", async () => {
    const dir = join(root, "hit");
    await cachedEntry(dir, "k", async () => {});
    const child = spawnSync(process.execPath, ["-e", "0"]);
    const stale = `.tmp-x-${child.pid}-aaaaaa`;
    await mkdir(join(dir, stale));
    assert.equal((await cachedEntry(dir, "k", async () => {})).hit, true);
    assert.ok(await exists(join(dir, stale)));
  });
});

// ---------------------------------------------------------------------------
// concurrency
// ---------------------------------------------------------------------------

const tick = (ms = 0) => new Promise<void>((r) => setTimeout(r, ms));

describe("mapLimit", () => {
  test("keeps input order whatever the completion order", async () => {
    const delays = [5, 0, 3, 1, 4, 0, 2];
    const out = await mapLimit(delays, 3, async (d, i) => {
      await tick(d);
      return `${i}:${d}`;
    });
    assert.deepEqual(
      out,
      delays.map((d, i) => `${i}:${d}`),
    );
  });

  for (const [limit, items, wantMax] of [
    [1, 6, 1],
    [2, 6, 2],
    [3, 10, 3],
    [8, 3, 3],
    [0, 4, 1], // a limit below 1 still makes progress, one at a time
  ] as const) {
    test(`at most ${wantMax} in flight with limit ${limit} over ${items} items`, async () => {
      let inFlight = 0;
      let max = 0;
      let done = 0;
      await mapLimit(
        Array.from({ length: items }, (_, i) => i),
        limit,
        async () => {
          inFlight++;
          max = Math.max(max, inFlight);
          await tick(1);
          inFlight--;
          done++;
        },
      );
      assert.equal(max, wantMax);
      assert.equal(done, items);
    });
  }

  test("an empty list gives an empty result without calling fn", async () => {
    assert.deepEqual(await mapLimit([], 4, async () => assert.fail("called")), []);
  });

  test("the first error propagates and no new items start after it", async () => {
    const started: number[] = [];
    await assert.rejects(
      mapLimit([0, 1, 2, 3, 4, 5], 2, async (i) => {
        started.push(i);
        if (i === 0) {
          await tick(20);
          throw new Error("late failure 0");
        }
        if (i === 1) {
          await tick(1);
          throw new Error("first failure 1");
        }
        await tick(50);
        return i;
      }),
      /first failure 1/,
    );
    // Worker 2 stopped after 1 failed; worker 1 was still busy with 0 and stops after it.
    assert.deepEqual(started, [0, 1]);
  });
});

// ---------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------

describe("formatError and exitCodeOf", () => {
  const cases: [string, unknown, string, number][] = [
    ["UsageError without a location", new UsageError("no variants selected"), "no variants selected", 2],
    ["UsageError with file", new UsageError("cannot read", { file: "a.yml" }), "a.yml: cannot read", 2],
    ["UsageError with file:line", new UsageError("bad value", { file: "a.yml", line: 3 }), "a.yml:3: bad value", 2],
    [
      "UsageError with file:line:column and field",
      new UsageError("expected a string", { file: "a.yml", line: 3, column: 7, field: "busybox.version" }),
      "a.yml:3:7: busybox.version: expected a string",
      2,
    ],
    [
      "a message that already starts with the field is not prefixed twice",
      new UsageError("busybox.version (line 3): expected a string", { file: "a.yml", line: 3, field: "busybox.version" }),
      "a.yml:3: busybox.version (line 3): expected a string",
      2,
    ],
    [
      "a message that already starts with its file prints as is",
      new UsageError("frag.config:2: bad\nfrag.config:5: worse", { file: "frag.config", line: 2 }),
      "frag.config:2: bad\nfrag.config:5: worse",
      2,
    ],
    ["UsageError with only a field", new UsageError("must be one of x", { field: "variants" }), "variants: must be one of x", 2],
    ["CheckFailure", new CheckFailure("budget exceeded by 12 B"), "budget exceeded by 12 B", 1],
    ["plain Error", new Error("ENOSPC"), "ENOSPC", 1],
    ["a thrown string", "oops", "oops", 1],
    ["undefined", undefined, "undefined", 1],
  ];
  for (const [name, err, text, code] of cases) {
    test(name, () => {
      assert.equal(formatError(err), text);
      assert.equal(exitCodeOf(err), code);
    });
  }

  test("error classes carry their names and exit codes", () => {
    assert.equal(new UsageError("x").name, "UsageError");
    assert.equal(new UsageError("x").exitCode, 2);
    assert.equal(new CheckFailure("x").name, "CheckFailure");
    assert.equal(new CheckFailure("x").exitCode, 1);
    assert.ok(new UsageError("x") instanceof Error);
  });
});

describe("run (src/lib/exec.ts)", () => {
  /** A process counts as gone when /proc no longer has it or it is a zombie nobody has reaped yet. */
  const alive = async (pid: number) => {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
    return stat !== undefined && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  };

  test("output split inside a UTF-8 character reaches onOutput and the result whole", async () => {
    const text = "é€😀 kimigayo 君が代";
    // One byte per write, 5 ms apart, so the pipe delivers the characters in pieces.
    const script = `const b = Buffer.from(${JSON.stringify(text)}); let i = 0;
      const t = setInterval(() => { process.stdout.write(b.subarray(i, i + 1)); process.stderr.write(b.subarray(i, i + 1)); if (++i === b.length) clearInterval(t); }, 5);`;
    const seen: string[] = [];
    const r = await run(process.execPath, ["-e", script], { onOutput: (t) => seen.push(t) });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, text);
    assert.equal(r.stderr, text);
    assert.ok(seen.length > 2, `output came in ${seen.length} pieces`);
    assert.ok(!seen.some((s) => s.includes("\uFFFD")), `a piece held a replacement character: ${JSON.stringify(seen)}`);
    assert.equal([...seen.join("")].sort().join(""), [...(text + text)].sort().join(""));
  });

  test("a timeout kills the whole process group, grandchildren too, and says so", async () => {
    const t0 = Date.now();
    const r = await run("sh", ["-c", "sleep 100 & echo $!; wait"], { timeoutMs: 300 });
    const grandchild = Number(r.stdout.trim());
    assert.ok(grandchild > 0, `no pid in ${JSON.stringify(r.stdout)}`);
    assert.equal(r.timedOut, true);
    assert.equal(r.signal, "SIGTERM");
    assert.equal(r.code, 128 + 15);
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal(await alive(grandchild), false, `sleep ${grandchild} outlived the timeout`);
  });

  test("a group that ignores SIGTERM gets SIGKILL after the grace period", async () => {
    const t0 = Date.now();
    const r = await run("sh", ["-c", "trap '' TERM; sleep 100 & echo $!; wait"], { timeoutMs: 200 });
    const grandchild = Number(r.stdout.trim());
    assert.equal(r.signal, "SIGKILL");
    assert.equal(r.timedOut, true);
    assert.ok(Date.now() - t0 >= 200 + KILL_GRACE_MS - 50, `killed after ${Date.now() - t0} ms`);
    assert.equal(await alive(grandchild), false);
  });

  const signals: [string, NodeJS.Signals, number][] = [
    ["kill -TERM $$", "SIGTERM", 143],
    ["kill -KILL $$", "SIGKILL", 137],
    ["kill -INT $$", "SIGINT", 130],
  ];
  for (const [script, signal, code] of signals) {
    test(`a program ended by ${signal} reports it (${script})`, async () => {
      const r = await run("sh", ["-c", script]);
      assert.equal(r.signal, signal);
      assert.equal(r.code, code);
      assert.equal(r.timedOut, undefined);
      await assert.rejects(runChecked("sh", ["-c", script]), new RegExp(`killed by ${signal} \\(exit ${code}\\)`));
    });
  }

  test("a normal exit has no signal; input reaches stdin; runChecked names the exit code", async () => {
    const r = await run("sh", ["-c", "cat; exit 3"], { input: "fed" });
    assert.deepEqual(r, { code: 3, stdout: "fed", stderr: "" });
    await assert.rejects(runChecked("sh", ["-c", "echo oops >&2; exit 4"]), /exited with 4:\noops/);
    await assert.rejects(runChecked("sh", ["-c", "sleep 5"], { timeoutMs: 100 }), /stopped with SIGTERM after its 0\.1 s timeout/);
  });

  test("a program that cannot be started rejects", async () => {
    await assert.rejects(run("/nonexistent/kimigayo-no-such-program", []), /ENOENT/);
  });
});
