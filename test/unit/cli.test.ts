import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, test } from "node:test";
import { fileURLToPath } from "node:url";
import { configPath } from "../../src/cli/main.js";
import { silentLogger } from "../../src/lib/log.js";
import { cliInProcess } from "../support/cli.js";

/** The product's config, by absolute path, so the tests do not depend on the working directory. */
const CONFIG = fileURLToPath(new URL("../../configs/kimigayo.yml", import.meta.url));

const cli = cliInProcess;

describe("kimigayo CLI: usage and exit codes", () => {
  const cases: { name: string; argv: string[]; code: number; stderr: (string | RegExp)[] }[] = [
    {
      name: "no arguments prints the usage and exits 2",
      argv: [],
      code: 2,
      stderr: ["usage: kimigayo <command> [options]", /^ {2}build +build BusyBox/m, /^ {2}doctor +check host/m, "Exit codes: 0 success"],
    },
    { name: "help exits 0", argv: ["help"], code: 0, stderr: ["usage: kimigayo <command> [options]", "commands:"] },
    { name: "--help exits 0", argv: ["--help"], code: 0, stderr: ["usage: kimigayo <command> [options]"] },
    { name: "-h exits 0", argv: ["-h"], code: 0, stderr: ["usage: kimigayo <command> [options]"] },
    {
      name: "build --help prints the build usage",
      argv: ["build", "--help"],
      code: 0,
      stderr: ["usage: kimigayo build [--variant V|all]", "--parallel"],
    },
    {
      name: "an unknown command exits 2 and lists the commands",
      argv: ["frobnicate"],
      code: 2,
      stderr: ['error: unknown command "frobnicate"; commands: doctor, build'],
    },
    {
      name: "an unknown flag exits 2, naming the flag, with the command's usage",
      argv: ["build", "--bogus"],
      code: 2,
      stderr: ["error: build: Unknown option '--bogus'", "usage: kimigayo build"],
    },
    {
      name: "a flag without its value exits 2",
      argv: ["build", "--variant"],
      code: 2,
      stderr: ["build: Option '--variant <value>' argument missing"],
    },
    {
      name: "a positional argument exits 2",
      argv: ["build", "minimal"],
      code: 2,
      stderr: ["build: ", "minimal"],
    },
    {
      name: "an unknown variant exits 2, listing the known ones",
      argv: ["build", "--config", CONFIG, "--variant", "nope"],
      code: 2,
      stderr: ['error: unknown variant "nope"; known variants: minimal, standard, extended (or all)'],
    },
    {
      name: "unknown variants in a list are all named",
      argv: ["build", "--config", CONFIG, "--variant", "minimal,tiny,huge"],
      code: 2,
      stderr: ['unknown variants "tiny", "huge"'],
    },
    {
      name: "an unknown platform exits 2, listing the allowed ones",
      argv: ["build", "--config", CONFIG, "--platform", "riscv64"],
      code: 2,
      stderr: ['unknown platform "riscv64"; allowed: linux/amd64, linux/arm64'],
    },
    {
      name: "a missing config exits 2, naming the path",
      argv: ["build", "--config", "/nonexistent.yml"],
      code: 2,
      stderr: ["config file /nonexistent.yml does not exist"],
    },
    {
      name: "a directory as config exits 2",
      argv: ["build", "--config", fileURLToPath(new URL("../../configs/", import.meta.url))],
      code: 2,
      stderr: ["is a directory"],
    },
    {
      name: "--parallel 0 exits 2",
      argv: ["build", "--config", CONFIG, "--parallel", "0"],
      code: 2,
      stderr: ['error: build: --parallel must be a positive integer, got "0"'],
    },
    {
      name: "--parallel -1 exits 2",
      argv: ["build", "--config", CONFIG, "--parallel=-1"],
      code: 2,
      stderr: ['--parallel must be a positive integer, got "-1"'],
    },
    {
      name: "--parallel 1.5 exits 2",
      argv: ["build", "--config", CONFIG, "--parallel", "1.5"],
      code: 2,
      stderr: ['--parallel must be a positive integer, got "1.5"'],
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const r = await cli(c.argv);
      assert.equal(r.code, c.code, r.stderr);
      for (const want of c.stderr) {
        if (typeof want === "string") assert.ok(r.stderr.includes(want), `stderr lacks ${JSON.stringify(want)}:\n${r.stderr}`);
        else assert.match(r.stderr, want);
      }
      // Nothing machine-readable on stdout, and no build step was started.
      assert.equal(r.stdout, "");
      assert.doesNotMatch(r.stderr, /compiling|▶/);
    });
  }

  test("a config error names its file once", async () => {
    const r = await cli(["build", "--config", "/nonexistent.yml"]);
    assert.equal(r.stderr, "error: /nonexistent.yml: config file /nonexistent.yml does not exist\n");
  });
});

describe("which config a command reads", () => {
  const log = { ...silentLogger, info: (m: string) => void said.push(m) };
  const said: string[] = [];
  const root = join(import.meta.dirname, "../..");

  it("configs/kimigayo.yml where it exists; the action's own where it does not; a given path as given", () => {
    const workspace = mkdtempSync(join(tmpdir(), "config-path-"));
    try {
      assert.equal(configPath(undefined, root, log), join(root, "configs/kimigayo.yml"));
      assert.deepEqual(said, []);
      // A user's workspace with no configs/: the action's built-in configuration, and the log says so.
      assert.equal(configPath(undefined, workspace, log), join(root, "configs/kimigayo.yml"));
      assert.match(said[0]!, /no configs\/kimigayo\.yml in .*config-path-.*: using the action's built-in configuration/);
      assert.equal(configPath("configs/kimigayo.yml", workspace, log), join(root, "configs/kimigayo.yml"));
      // Any other path is the user's choice: a missing one stays missing (the loader names it).
      assert.equal(configPath("kimigayo.yml", workspace, log), join(workspace, "kimigayo.yml"));
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
