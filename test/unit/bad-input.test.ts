/**
 * Bad input on the newer commands (merge, release --from-published, verify, rebuild, changelog,
 * config bases and release_notes.types, the action's inputs, the environment), as one table per
 * command run through the real command in this process (execute: parse, environment, run).
 * Each row is two tests: the exit code (2 for bad input) with no connection made to the registry
 * the command names (a listener on 127.0.0.1 counts them: bad input is refused before any
 * network work), and the message (what, the value as given, what is allowed). Every row's output
 * is grepped for raw Node error text.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getInputs } from "../../src/action/inputs.js";
import { checkInputs } from "../../src/action/main.js";
import { benchCommand } from "../../src/cli/bench.js";
import { buildCommand } from "../../src/cli/build.js";
import { changelogCommand } from "../../src/cli/changelog.js";
import type { Command } from "../../src/cli/command.js";
import { execute } from "../../src/cli/execute.js";
import { commandContext } from "../../src/cli/main.js";
import { mergeCommand } from "../../src/cli/publish.js";
import { rebuildCommand } from "../../src/cli/rebuild.js";
import { releaseCommand } from "../../src/cli/release.js";
import { sizeCheckCommand } from "../../src/cli/size-check.js";
import { verifyCommand } from "../../src/cli/verify.js";
import { exitCodeOf, formatError } from "../../src/lib/errors.js";
import { streamLogger } from "../../src/lib/log.js";
import { memory } from "../support/cli.js";

const ROOT = join(import.meta.dirname, "../..");
const CONFIG = join(ROOT, "configs/kimigayo.yml");
/** Raw Node error text that must never reach the user on a bad-input path. */
const RAW = /\bENOENT\b|\bEISDIR\b|\bENOTDIR\b|Cannot read properties|fetch failed|\bat .*\.(ts|js):\d+/;

/** Made when the module loads: the tables are built before any `before` hook runs. */
const work = mkdtempSync(join(tmpdir(), "kimigayo-bad-input-"));
let sentinel: Server;
let connections = 0;
/** A registry address whose connections are counted: a bad-input row must make none. */
let registry = "";

before(async () => {
  sentinel = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => sentinel.listen(0, "127.0.0.1", resolve));
  registry = `127.0.0.1:${(sentinel.address() as { port: number }).port}`;
});
after(async () => {
  await new Promise((resolve) => sentinel.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

interface Row {
  name: string;
  /** The command line (built when the row runs, so it may use files made in `setup`). */
  argv: () => string[];
  env?: NodeJS.ProcessEnv;
  cwd?: () => string;
  setup?: () => void;
  code?: number;
  want: RegExp[];
  /** A path the refused command must not have made (a build cache: nothing was compiled). */
  untouched?: string;
}

async function runRow(cmd: Command, r: Row): Promise<{ code: number; out: string; connections: number }> {
  r.setup?.();
  const out = memory();
  const before = connections;
  const ctx = commandContext(streamLogger(out.stream), { ...r.env }, r.cwd?.() ?? work);
  const x = await execute(cmd, r.argv(), ctx);
  return { code: x.code, out: out.text(), connections: connections - before };
}

/** Per command: rows tried, messages clear, exits right (printed as a diagnostic, checked by the rows' tests). */
const counts = new Map<string, { tried: number; clear: number; exit: number }>();
function count(command: string, kind: "clear" | "exit" | "tried"): void {
  const c = counts.get(command) ?? { tried: 0, clear: 0, exit: 0 };
  c[kind]++;
  counts.set(command, c);
}

function table(command: string, cmd: Command, rows: () => Row[]): void {
  describe(`${command}: bad input`, () => {
    for (const r of rows()) {
      let run: Promise<{ code: number; out: string; connections: number }> | undefined;
      const result = () => (run ??= runRow(cmd, r));
      count(command, "tried");
      it(`${r.name}: exit ${r.code ?? 2}, no network`, async () => {
        const x = await result();
        assert.equal(x.code, r.code ?? 2, x.out);
        assert.equal(x.connections, 0, "nothing was sent to the registry");
        if (r.untouched) assert.equal(existsSync(r.untouched), false, `${r.untouched} was not made: nothing ran`);
        count(command, "exit");
      });
      it(`${r.name}: the message names the input, the value and what is allowed`, async () => {
        const x = await result();
        for (const p of r.want) assert.match(x.out, p);
        assert.doesNotMatch(x.out, RAW, "no raw Node error text");
        count(command, "clear");
      });
    }
  });
}

/** A digest file as publish --by-digest writes it; `over` changes fields, `version` its annotation. */
function digestFile(name: string, over: Record<string, unknown> = {}, version = "2.1.0"): string {
  const dir = join(work, "digests", name);
  mkdirSync(dir, { recursive: true });
  const f = join(dir, `${String(over.variant ?? "minimal")}-${String(over.platform ?? "linux/amd64").split("/")[1]}.json`);
  const body = {
    image: `${registry}/kimigayo`,
    variant: "minimal",
    platform: "linux/amd64",
    digest: `sha256:${"a".repeat(64)}`,
    size: 1000,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    annotations: { "org.opencontainers.image.version": version, "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
    ...over,
  };
  writeFileSync(f, `${JSON.stringify(body, null, 2)}\n`);
  return f;
}

const file = (name: string, text: string) => {
  const f = join(work, name);
  mkdirSync(join(f, ".."), { recursive: true });
  writeFileSync(f, text);
  return f;
};
const merge = (...extra: string[]) => ["--config", CONFIG, "--image", `${registry}/kimigayo`, "--version", "2.1.0", ...extra];

table("merge", mergeCommand, () => [
  { name: '--digests ""', argv: () => merge("--digests", ""), want: [/merge: --digests was given an empty value/] },
  {
    name: "a digest file of another registry with the same repository name",
    argv: () => merge("--digests", digestFile("other-registry", { image: "127.0.0.1:5999/kimigayo" })),
    want: [/pushed to 127\.0\.0\.1:5999\/kimigayo, not 127\.0\.0\.1:\d+\/kimigayo \(--image\): another registry, the same repository name/],
  },
  {
    name: "a digest file of another version",
    argv: () => merge("--digests", digestFile("other-version", {}, "2.0.0")),
    want: [/minimal-amd64\.json: built as version "2\.0\.0", but .*kimigayo\.yml says version "2\.1\.0"/],
  },
  {
    name: "mixed versions in one set",
    argv: () =>
      merge("--digests", digestFile("mixed", {}, "2.1.0"), "--digests", digestFile("mixed", { platform: "linux/arm64" }, "2.0.0")),
    want: [/the digest files mix versions 2\.1\.0, 2\.0\.0/],
  },
  {
    name: "the same platform twice",
    argv: () => merge("--digests", digestFile("twice-a"), "--digests", digestFile("twice-b")),
    want: [/minimal linux\/amd64 is given twice: .*twice-a.*, .*twice-b/],
  },
  {
    name: "annotations that disagree",
    argv: () =>
      merge(
        "--digests",
        digestFile("annotations"),
        "--digests",
        digestFile("annotations", {
          platform: "linux/arm64",
          annotations: { "org.opencontainers.image.version": "2.1.0", "org.opencontainers.image.created": "2027-01-01T00:00:00Z" },
        }),
      ),
    want: [/the minimal digest files disagree on their annotations/],
  },
  {
    name: "a path that does not exist",
    argv: () => merge("--digests", join(work, "nope")),
    want: [/--digests ".*nope": no such file or folder/],
  },
  {
    name: "a folder without digest files",
    setup: () => mkdirSync(join(work, "empty-folder"), { recursive: true }),
    argv: () => merge("--digests", join(work, "empty-folder")),
    want: [/--digests ".*empty-folder": no digest files/],
  },
  {
    name: "a digest file that is not JSON",
    argv: () => merge("--digests", file("digests/bad/minimal-amd64.json", "{")),
    want: [/minimal-amd64\.json: not JSON .*expected a digest file written by `kimigayo publish --by-digest`/],
  },
  {
    name: "a digest file with a short digest",
    argv: () => merge("--digests", digestFile("short", { digest: "sha256:abc" })),
    want: [/digest: expected a digest sha256:<64 hex digits>, got "sha256:abc"/],
  },
  { name: "no --digests", argv: () => merge(), want: [/merge needs --digests FILE/] },
  {
    name: "--out a file",
    argv: () => merge("--digests", digestFile("ok"), "--out", file("out-file", "x")),
    want: [/--out ".*out-file" is a file/],
  },
]);

/** An artifacts folder with a published.json of `version` (and nothing else: the version is checked first). */
function artifacts(name: string, version: string | undefined): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "published"), { recursive: true });
  const published = {
    image: `${registry}/kimigayo`,
    ...(version ? { version } : {}),
    prerelease: false,
    variants: [
      {
        variant: "minimal",
        index: `sha256:${"b".repeat(64)}`,
        manifests: [{ platform: "linux/amd64", digest: `sha256:${"a".repeat(64)}` }],
        tags: [],
        references: [],
        stats: { blobsUploaded: 0, blobBytesUploaded: 0, blobsSkipped: 0, blobsMounted: 0, manifestsPut: 1 },
      },
    ],
  };
  writeFileSync(join(dir, "published", "published.json"), JSON.stringify(published));
  return dir;
}
const release = (...extra: string[]) => [
  "--config",
  CONFIG,
  "--tag",
  "v2.1.0",
  "--dry-run",
  "--image",
  `${registry}/kimigayo`,
  "--out",
  join(work, "release-out"),
  ...extra,
];

table("release", releaseCommand, () => [
  {
    name: '--from-published ""',
    argv: () => release("--from-published", ""),
    want: [/release: --from-published was given an empty value; give a value or leave the flag out/],
  },
  {
    name: "--from-published a plain file",
    argv: () => release("--from-published", file("artifacts-file", "x")),
    want: [/--from-published ".*artifacts-file" is a file; expected a folder/],
  },
  {
    name: "--from-published a missing folder",
    argv: () => release("--from-published", join(work, "no-artifacts")),
    want: [/--from-published ".*no-artifacts": no such folder/],
  },
  {
    name: "a published.json of another version than --tag",
    argv: () => release("--from-published", artifacts("artifacts-2.0.0", "2.0.0")),
    want: [/published\.json: the merge job published version 2\.0\.0, not 2\.1\.0 \(--tag v2\.1\.0\)/],
  },
  {
    name: "a published.json of a branch build",
    argv: () => release("--from-published", artifacts("artifacts-branch", undefined)),
    want: [/published version \(none: a branch build\), not 2\.1\.0/],
  },
  {
    name: "--bench-runs as many digits as 1e23",
    argv: () => release("--bench-runs", "100000000000000000000000"),
    want: [/--bench-runs "100000000000000000000000" is not allowed: expected a whole number from 0 to 1000/],
  },
  { name: "--bench-runs 1.5", argv: () => release("--bench-runs", "1.5"), want: [/--bench-runs "1\.5" is not allowed/] },
]);

const verify = (...extra: string[]) => [`${registry}/kimigayo:2.1.0`, "--config", CONFIG, "--repository", "o/kimigayo", ...extra];

table("verify", verifyCommand, () => [
  {
    name: "a trust root that is null",
    argv: () => verify("--trusted-root", file("null.json", "null")),
    want: [/--trusted-root ".*null\.json" is not Sigstore's trusted_root\.json:\n {2}\(top level\): expected an object, got null/],
  },
  {
    name: "a TUF root.json as the trust root",
    argv: () => verify("--trusted-root", file("tuf-root.json", JSON.stringify({ signed: { _type: "root" }, signatures: [] }))),
    want: [/--trusted-root ".*tuf-root\.json" is a TUF root\.json \(signed, signatures\), not Sigstore's trusted_root\.json/],
  },
  {
    name: "a trust root of the wrong shape",
    argv: () => verify("--trusted-root", file("shape.json", JSON.stringify({ mediaType: "x", tlogs: [] }))),
    want: [
      /mediaType: expected application\/vnd\.dev\.sigstore\.trustedroot\+json;version=0\.1 \(or a later version\), got "x"/,
      /tlogs: expected at least one transparency log, got an empty list/,
      /certificateAuthorities: required field is missing/,
    ],
  },
  {
    name: "a trust root that is not JSON",
    argv: () => verify("--trusted-root", file("garbage.json", "not json")),
    want: [/--trusted-root ".*garbage\.json": not JSON/],
  },
  {
    name: "a trust root that does not exist",
    argv: () => verify("--trusted-root", join(work, "none.json")),
    want: [/--trusted-root ".*none\.json": no such file/],
  },
  { name: "a trust root that is a folder", argv: () => verify("--trusted-root", work), want: [/--trusted-root ".*": is a folder/] },
  {
    name: '--trusted-root "" (not a silent fall back to the network)',
    argv: () => verify("--trusted-root", ""),
    want: [/verify: --trusted-root was given an empty value/],
  },
  {
    name: "--markdown a folder",
    argv: () => verify("--markdown", work),
    want: [/--markdown ".*" is a folder; expected the path of a file/],
  },
  {
    name: "--markdown under a file",
    argv: () => verify("--markdown", join(file("md-file", "x"), "r.md")),
    want: [/--markdown ".*md-file\/r\.md" lies under .*md-file, which is a file/],
  },
  {
    name: "--ref that is not a ref",
    argv: () => verify("--ref", "main"),
    want: [/verify: --ref "main" is not a git ref like refs\/tags\/v2\.1\.0/],
  },
  {
    name: "--workflow that is not a workflow file",
    argv: () => verify("--workflow", "release.yml"),
    want: [/--workflow "release\.yml" is not a workflow file like \.github\/workflows\/release\.yml/],
  },
  { name: "--issuer over http", argv: () => verify("--issuer", "http://issuer"), want: [/--issuer "http:\/\/issuer" is not an https URL/] },
  {
    name: "no --repository",
    argv: () => [`${registry}/kimigayo:2.1.0`, "--config", CONFIG],
    want: [/verify: --repository is required/],
  },
  { name: "two images", argv: () => verify(`${registry}/other:1`), want: [/verify: expected one image reference .*got 2/] },
]);

table("rebuild", rebuildCommand, () => [
  { name: "no --verify", argv: () => [`${registry}/kimigayo:2.1.0`], want: [/rebuild: --verify is required/] },
  {
    name: "--platform not one of the platforms",
    argv: () => ["--verify", `${registry}/kimigayo:2.1.0`, "--platform", "linux/riscv64"],
    want: [/rebuild: --platform "linux\/riscv64" is not one of linux\/amd64, linux\/arm64/],
  },
  {
    name: '--platform ""',
    argv: () => ["--verify", `${registry}/kimigayo:2.1.0`, "--platform", ""],
    want: [/--platform was given an empty value/],
  },
  { name: "no image", argv: () => ["--verify"], want: [/rebuild: expected one image reference .*got 0/] },
  { name: "an image with capitals", argv: () => ["--verify", `${registry}/Kimigayo:1`], want: [/rebuild: .*Kimigayo/] },
]);

/** A git repository with one commit tagged v2.1.0. */
function gitRepo(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=a@b", "-c", "user.name=A", "commit", "-q", "--allow-empty", "-m", "feat: the first release");
  git("tag", "v2.1.0");
  return dir;
}
let repo = "";

table("changelog", changelogCommand, () => [
  {
    name: "--file in a folder that does not exist yet: made, exit 0",
    setup: () => (repo ||= gitRepo("repo")),
    cwd: () => repo,
    argv: () => ["--config", CONFIG, "--tag", "v2.1.0", "--file", join(work, "new", "folder", "CHANGELOG.md")],
    code: 0,
    want: [/CHANGELOG\.md: wrote v2\.1\.0/],
  },
  {
    name: "--file a folder",
    setup: () => (repo ||= gitRepo("repo")),
    cwd: () => repo,
    argv: () => ["--config", CONFIG, "--tag", "v2.1.0", "--file", work],
    want: [/--file ".*" is a folder; expected the path of a file to write/],
  },
  {
    name: "--file under a file",
    setup: () => (repo ||= gitRepo("repo")),
    cwd: () => repo,
    argv: () => ["--config", CONFIG, "--tag", "v2.1.0", "--file", join(file("cl-file", "x"), "CHANGELOG.md")],
    want: [/--file ".*cl-file\/CHANGELOG\.md" lies under .*cl-file, which is a file/],
  },
  {
    name: "--all outside a git repository",
    argv: () => ["--config", CONFIG, "--all", "--file", join(work, "c1.md")],
    want: [/changelog: .* is not a git repository \(or git is missing\)/],
  },
  {
    name: "--tag outside a git repository",
    argv: () => ["--config", CONFIG, "--tag", "v2.1.0", "--file", join(work, "c2.md")],
    want: [/is not a git repository/],
  },
  {
    name: "--tag that is not a release tag",
    argv: () => ["--config", CONFIG, "--tag", "2.1.0"],
    want: [/changelog: --tag "2\.1\.0" is not a release tag; expected vX\.Y\.Z/],
  },
  {
    name: "a tag not in git",
    setup: () => (repo ||= gitRepo("repo")),
    cwd: () => repo,
    argv: () => ["--config", CONFIG, "--tag", "v9.9.9", "--file", join(work, "c3.md")],
    want: [/changelog: tag v9\.9\.9 does not exist in/],
  },
  { name: '--file ""', argv: () => ["--config", CONFIG, "--all", "--file", ""], want: [/--file was given an empty value/] },
]);

/** A copy of configs/ whose kimigayo.yml (or another file) is edited. */
function configCopy(name: string, edit: (dir: string) => void): string {
  const dir = join(work, name);
  if (!existsSync(dir)) {
    cpSync(join(ROOT, "configs"), dir, { recursive: true });
    edit(dir);
  }
  return join(dir, "kimigayo.yml");
}

table("config", buildCommand, () => [
  {
    name: "a release_notes type listed twice",
    argv: () => [
      "--config",
      configCopy("dup-types", (d) =>
        writeFileSync(
          join(d, "kimigayo.yml"),
          `${readFileSync(join(d, "kimigayo.yml"), "utf8")}\nrelease_notes:\n  types:\n    - { type: feat, title: Features }\n    - { type: fix, title: Fixes }\n    - { type: feat, title: Again }\n`,
        ),
      ),
    ],
    want: [/kimigayo\.yml:\d+:\d+: release_notes\.types\.2\.type \(line \d+\): type "feat" is listed twice \(first as types\[0\]\)/],
  },
  {
    name: "a base that is not a config",
    argv: () => {
      const dir = join(work, "base-not-config");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "notes.yml"), "title: my notes\nitems: [1, 2]\n");
      writeFileSync(join(dir, "kimigayo.yml"), "base: notes.yml\nversion: 2.1.0\n");
      return ["--config", join(dir, "kimigayo.yml")];
    },
    want: [/notes\.yml:\d+:\d+: .*\(read as the base of .*base-not-config\/kimigayo\.yml:1, base: "notes\.yml"\)/],
  },
  {
    name: "a service whose applet the variant does not have, before any compile",
    env: { KIMIGAYO_CACHE: join(work, "cache-never-made") },
    untouched: join(work, "cache-never-made"),
    argv: () => [
      "--config",
      configCopy("applet", (d) => {
        const list = join(d, "openrc", "services-minimal.list");
        writeFileSync(list, `${readFileSync(list, "utf8")}default webserver httpd\n`);
      }),
      "--variant",
      "minimal",
    ],
    want: [/services-minimal\.list:\d+: service webserver needs the httpd applet, which the minimal BusyBox .* does not include/],
  },
]);

table("environment", buildCommand, () => [
  {
    name: "SOURCE_DATE_EPOCH with leading zeros",
    env: { SOURCE_DATE_EPOCH: "01767225600" },
    argv: () => ["--config", CONFIG],
    want: [/SOURCE_DATE_EPOCH="01767225600" is not a timestamp: .*no leading zeros/],
  },
  {
    name: "a registry timeout that rounds to 0 ms",
    env: { KIMIGAYO_REGISTRY_TIMEOUT: "0.0001" },
    argv: () => ["--config", CONFIG],
    want: [/KIMIGAYO_REGISTRY_TIMEOUT="0\.0001" is not a timeout: .*at least 0\.001 \(1 ms\)/],
  },
  {
    name: "KIMIGAYO_DEBIAN_MIRROR that is not http(s)",
    env: { KIMIGAYO_DEBIAN_MIRROR: "ftp://mirror.invalid/debian-archive" },
    argv: () => ["--config", CONFIG],
    want: [
      /KIMIGAYO_DEBIAN_MIRROR "ftp:\/\/mirror\.invalid\/debian-archive" is not allowed: ftp: is not fetched \(http or https only\); expected an http\(s\) URL of a folder holding Debian's archives/,
    ],
  },
  {
    name: "KIMIGAYO_DEBIAN_SNAPSHOT that is not a URL",
    env: { KIMIGAYO_DEBIAN_SNAPSHOT: "snapshot/archive" },
    argv: () => ["--config", CONFIG],
    want: [
      /KIMIGAYO_DEBIAN_SNAPSHOT "snapshot\/archive" is not allowed: not a URL; expected an http\(s\) URL of a snapshot archive's base/,
    ],
  },
  {
    name: "build --debian-mirror with a query",
    env: { KIMIGAYO_CACHE: join(work, "cache-never-made-mirror") },
    untouched: join(work, "cache-never-made-mirror"),
    argv: () => ["--config", CONFIG, "--debian-mirror", "http://127.0.0.1:9/m?x=1"],
    want: [/--debian-mirror "http:\/\/127\.0\.0\.1:9\/m\?x=1" is not allowed: a folder's URL has no \?query or #fragment/],
  },
  {
    name: "build --parallel as many digits as 1e23",
    argv: () => ["--config", CONFIG, "--parallel", "100000000000000000000000"],
    want: [/--parallel must be a positive integer, got "100000000000000000000000" \(1 to 1024\)/],
  },
]);

table("bench", benchCommand, () => [
  {
    name: "--aa with cases the A/A run cannot use",
    argv: () => ["--config", CONFIG, "--aa", "--only", "memory,commands"],
    want: [/bench: --aa with --only "memory,commands": the A\/A twin runs only in startup and boot/],
  },
  {
    name: "--runs as many digits as 1e23",
    argv: () => ["--config", CONFIG, "--runs", "100000000000000000000000"],
    want: [/--runs must be in 1\.\.1000, got 100000000000000000000000/],
  },
  {
    name: "--threshold as many digits as 1e23",
    argv: () => ["--config", CONFIG, "--threshold", "100000000000000000000000"],
    want: [/--threshold 100000000000000000000000 % is not a useful gate/],
  },
]);

table("size-check", sizeCheckCommand, () => [
  {
    name: "a baseline image of an unknown platform",
    setup: () => {
      mkdirSync(join(work, "size-out"), { recursive: true });
    },
    argv: () => [
      "--config",
      CONFIG,
      "--baseline",
      file(
        "size-baseline.json",
        JSON.stringify({ schemaVersion: 1, images: [{ variant: "minimal", platform: "linux/riscv64", uncompressed: 1, compressed: 1 }] }),
      ),
    ],
    want: [/images\[0\]\.platform: expected "linux\/amd64" or "linux\/arm64", got "linux\/riscv64"/],
  },
]);

/** The action: every input parsed by its command before any work, named as the input. */
describe("the action: bad input named as the input", () => {
  const rows: { name: string; inputs: Record<string, string>; want: RegExp[]; not?: RegExp }[] = [
    {
      name: "signer-ref",
      inputs: { command: "verify", reference: "127.0.0.1:5000/k:1", "signer-repository": "o/k", "signer-ref": "main" },
      want: [/verify: signer-ref "main" is not a git ref/],
      not: /--ref\b/,
    },
    {
      name: "signer-repository",
      inputs: { command: "verify", reference: "127.0.0.1:5000/k:1", "signer-repository": "just-a-name" },
      want: [/verify: signer-repository "just-a-name" is not OWNER\/NAME/],
      not: /--repository\b/,
    },
    {
      name: "signer-workflow",
      inputs: { command: "verify", reference: "127.0.0.1:5000/k:1", "signer-repository": "o/k", "signer-workflow": "release.yml" },
      want: [/verify: signer-workflow "release\.yml" is not a workflow file/],
      not: /--workflow\b/,
    },
    {
      name: "trusted-root null",
      inputs: { command: "verify", reference: "127.0.0.1:5000/k:1", "signer-repository": "o/k", "trusted-root": "" },
      want: [/trusted-root ".*null\.json" is not Sigstore's trusted_root\.json/],
      not: /--trusted-root\b/,
    },
    {
      name: "from-published a file",
      inputs: { command: "release", tag: "v2.1.0", "from-published": "" },
      want: [/^from-published ".*" is a file; expected a folder$/],
      not: /--from-published\b/,
    },
    {
      name: "bench-runs of bench, as typed",
      inputs: { command: "bench", "bench-runs": "100000000000000000000000" },
      want: [/bench: bench-runs must be in 1\.\.1000, got 100000000000000000000000/],
      not: /--runs\b|1e\+23/,
    },
    {
      name: "debian-mirror with credentials",
      inputs: { command: "build", "debian-mirror": "https://user:pw@127.0.0.1:9/debian-mirror" },
      want: [/debian-mirror "https:\/\/user:pw@127\.0\.0\.1:9\/debian-mirror" is not allowed: credentials do not belong in the URL/],
      not: /--debian-mirror\b/,
    },
    {
      name: "debian-mirror of release, not a URL",
      inputs: { command: "release", tag: "v2.1.0", "debian-mirror": "debian" },
      want: [/debian-mirror "debian" is not allowed: not a URL/],
      not: /--debian-mirror\b/,
    },
    {
      name: "fail-on-budget: tRUE",
      inputs: { command: "size-check", "fail-on-budget": "tRUE" },
      want: [/fail-on-budget: "tRUE" must be true or false \(or True, TRUE, False, FALSE\)/],
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const inputs = { ...r.inputs };
      if (r.name === "trusted-root null") inputs["trusted-root"] = file("action-null.json", "null");
      if (r.name === "from-published a file") inputs["from-published"] = file("action-artifacts", "x");
      let caught: unknown;
      try {
        checkInputs(
          getInputs((n) => inputs[n] ?? ""),
          {},
        );
      } catch (err) {
        caught = err;
      }
      assert.ok(caught, "refused");
      assert.equal(exitCodeOf(caught), 2);
      const message = formatError(caught);
      for (const p of r.want) assert.match(message, p);
      if (r.not) assert.doesNotMatch(message, r.not, "the CLI flag is not named in the action");
      assert.doesNotMatch(message, RAW);
      assert.doesNotMatch(message, /usage: kimigayo/, "no CLI usage text in the action");
    });
  }
  it("fail-on-budget takes GitHub's boolean spellings: False, FALSE, True, TRUE", () => {
    for (const v of ["False", "FALSE", "false"])
      assert.equal(getInputs((n) => ({ command: "size-check", "fail-on-budget": v })[n] ?? "")["fail-on-budget"], "false");
    for (const v of ["True", "TRUE", "true"])
      assert.equal(getInputs((n) => ({ command: "size-check", "fail-on-budget": v })[n] ?? "")["fail-on-budget"], "true");
  });
});

after(() => {
  // The count per command (cases tried, clear, right exit), for the record.
  for (const [command, c] of counts) console.log(`bad input: ${command}: ${c.tried} tried, ${c.clear} clear, ${c.exit} right exit`);
});
