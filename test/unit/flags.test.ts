/**
 * Bad input on every path, as tables: flags, environment variables, action inputs and config
 * values each give a UsageError (exit 2) naming what is wrong, the bad value and what is allowed,
 * before any work. Plus the bounds of config errors and the registry's error bodies.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getInputs } from "../../src/action/inputs.js";
import { checkEnvironment, outputFile, outputFolder } from "../../src/cli/args.js";
import { parseBenchCommandOptions } from "../../src/cli/bench.js";
import { parseBuildOptions } from "../../src/cli/build.js";
import { parseMergeOptions, parsePublishOptions } from "../../src/cli/publish.js";
import { parseReleaseOptions } from "../../src/cli/release.js";
import { parseSizeCheckOptions } from "../../src/cli/size-check.js";
import { ConfigError, loadConfig, MAX_PROBLEMS_SHOWN, parseConfig, selectPlatforms, selectVariants } from "../../src/config/load.js";
import { exitCodeOf, formatError, UsageError } from "../../src/lib/errors.js";
import { errorBody } from "../../src/oci/registry.js";

const ROOT = join(import.meta.dirname, "../..");
const CONFIG = join(ROOT, "configs/kimigayo.yml");
let work = "";
let aFile = "";

before(() => {
  work = mkdtempSync(join(tmpdir(), "kimigayo-flags-"));
  aFile = join(work, "a-file");
  writeFileSync(aFile, "x\n");
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs `f`, expects a UsageError (exit 2) whose message matches every pattern. */
function refuses(f: () => unknown, ...patterns: RegExp[]): void {
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${caught instanceof Error ? caught.stack : String(caught)}`);
  assert.equal(exitCodeOf(caught), 2);
  for (const p of patterns) assert.match(formatError(caught), p);
}

describe("flags", () => {
  const rows: { name: string; parse: () => unknown; want: RegExp[] }[] = [
    {
      name: "publish --image with capitals",
      parse: () => parsePublishOptions(["--image", "127.0.0.1:5000/Kimigayo"]),
      want: [/--image "127\.0\.0\.1:5000\/Kimigayo" is not an image repository/, /lower-case/],
    },
    {
      name: "publish --image with a space",
      parse: () => parsePublishOptions(["--image", "127.0.0.1:5000/kimi gayo"]),
      want: [/--image "127\.0\.0\.1:5000\/kimi gayo" is not an image repository/],
    },
    {
      name: "publish --image with a tag",
      parse: () => parsePublishOptions(["--image", "127.0.0.1:5000/kimigayo:2.1.0"]),
      want: [/--image .* tags and digests come from the release/],
    },
    {
      name: "merge --image with a short digest",
      parse: () => parseMergeOptions(["--image", "127.0.0.1:5000/kimigayo@sha256:abc"]),
      want: [/--image "127\.0\.0\.1:5000\/kimigayo@sha256:abc" is not an image repository/],
    },
    {
      name: "publish --image with port 0",
      parse: () => parsePublishOptions(["--image", "127.0.0.1:0/kimigayo"]),
      want: [/--image "127\.0\.0\.1:0\/kimigayo" names port 0; a registry port is 1 to 65535/],
    },
    {
      name: "size-check --image with port 70000",
      parse: () => parseSizeCheckOptions(["--image", "127.0.0.1:70000/kimigayo"]),
      want: [/names port 70000/],
    },
    {
      name: "build --out a file",
      parse: () => parseBuildOptions(["--out", aFile]),
      want: [/--out ".*a-file" is a file; expected a folder/],
    },
    {
      name: "build --out under a file",
      parse: () => parseBuildOptions(["--out", join(aFile, "out")]),
      want: [/--out ".*a-file\/out" lies under .*a-file, which is a file/],
    },
    { name: "release --out a file", parse: () => parseReleaseOptions(["--out", aFile]), want: [/--out ".*" is a file/] },
    { name: "merge --out a file", parse: () => parseMergeOptions(["--out", aFile]), want: [/--out ".*" is a file/] },
    {
      name: "publish --digests-dir under a file",
      parse: () => parsePublishOptions(["--by-digest", "--digests-dir", join(aFile, "d")]),
      want: [/--digests-dir ".*" lies under .*, which is a file/],
    },
    {
      name: "size-check --report under a file",
      parse: () => parseSizeCheckOptions(["--report", join(aFile, "r.json")]),
      want: [/--report ".*a-file\/r\.json" lies under .*a-file, which is a file/],
    },
    {
      name: "size-check --markdown a folder",
      parse: () => parseSizeCheckOptions(["--markdown", work]),
      want: [/--markdown ".*" is a folder/],
    },
    { name: "bench --report a folder", parse: () => parseBenchCommandOptions(["--report", work]), want: [/--report ".*" is a folder/] },
    {
      name: "build --parallel 0",
      parse: () => parseBuildOptions(["--parallel", "0"]),
      want: [/--parallel must be a positive integer, got "0"/],
    },
    { name: "an unknown flag", parse: () => parseBuildOptions(["--varient", "minimal"]), want: [/build: Unknown option '--varient'/] },
  ];
  for (const r of rows) it(r.name, () => refuses(r.parse, ...r.want));

  it("good values pass: a folder to make, a file to write, an image with a port", () => {
    assert.equal(parseBuildOptions(["--out", join(work, "new", "out")]).out, join(work, "new", "out"));
    assert.equal(parseSizeCheckOptions(["--report", join(work, "new", "r.json")]).report, join(work, "new", "r.json"));
    assert.equal(parsePublishOptions(["--image", "127.0.0.1:5000/kimigayo"]).image, "127.0.0.1:5000/kimigayo");
    assert.equal(outputFolder("--out", work), work);
    assert.equal(outputFile("--report", join(work, "x.json")), join(work, "x.json"));
  });
});

describe("--variant and --platform selections", () => {
  let cfg: Awaited<ReturnType<typeof loadConfig>>;
  before(async () => {
    cfg = await loadConfig(CONFIG);
  });
  const rows: { spec: string; select: "variant" | "platform"; want: RegExp }[] = [
    { spec: "all,tiny", select: "variant", want: /--variant "all,tiny" mixes "all" with variant names/ },
    { spec: "minimal,all", select: "variant", want: /mixes "all" with variant names/ },
    { spec: "tiny", select: "variant", want: /unknown variant "tiny"; known variants: minimal, standard, extended/ },
    { spec: "all,riscv64", select: "platform", want: /--platform "all,riscv64" mixes "all" with platform names/ },
    { spec: "riscv64", select: "platform", want: /unknown platform "riscv64"; allowed: linux\/amd64, linux\/arm64/ },
    { spec: ",", select: "platform", want: /no platforms selected/ },
  ];
  for (const r of rows) {
    it(`--${r.select} ${r.spec}`, () =>
      refuses(() => (r.select === "variant" ? selectVariants(cfg, r.spec) : selectPlatforms(cfg, r.spec)), r.want));
  }
  it("all alone selects everything", () => {
    assert.equal(selectVariants(cfg, "all").length, cfg.variants.length);
    assert.deepEqual(selectPlatforms(cfg, " all "), cfg.platforms);
  });
});

describe("environment variables", () => {
  const rows: { env: NodeJS.ProcessEnv; want?: RegExp }[] = [
    { env: { SOURCE_DATE_EPOCH: "abc" }, want: /SOURCE_DATE_EPOCH="abc" is not a timestamp: expected a whole number of seconds/ },
    { env: { SOURCE_DATE_EPOCH: "1.5" }, want: /SOURCE_DATE_EPOCH="1\.5" is not a timestamp/ },
    { env: { SOURCE_DATE_EPOCH: "-1" }, want: /SOURCE_DATE_EPOCH="-1" is not a timestamp/ },
    { env: { SOURCE_DATE_EPOCH: " 1767225600" }, want: /is not a timestamp/ },
    { env: { SOURCE_DATE_EPOCH: "8589934592" }, want: /from 0 to 8589934591/ },
    { env: { SOURCE_DATE_EPOCH: "8589934591" } },
    { env: { SOURCE_DATE_EPOCH: "0" } },
    { env: { SOURCE_DATE_EPOCH: "" } },
    { env: { KIMIGAYO_REGISTRY_TIMEOUT: "0" }, want: /KIMIGAYO_REGISTRY_TIMEOUT="0" is not a timeout/ },
    { env: { KIMIGAYO_REGISTRY_TIMEOUT: "soon" }, want: /above 0 and at most 3600/ },
    { env: { KIMIGAYO_REGISTRY_TIMEOUT: "2.5" } },
    { env: { KIMIGAYO_REGISTRY_BACKOFF: "-1" }, want: /KIMIGAYO_REGISTRY_BACKOFF="-1" is not a backoff: .*from 0 to 60 \(default 0\.5\)/ },
    { env: { KIMIGAYO_REGISTRY_BACKOFF: "61" }, want: /KIMIGAYO_REGISTRY_BACKOFF="61" is not a backoff/ },
    { env: { KIMIGAYO_REGISTRY_BACKOFF: "soon" }, want: /is not a backoff/ },
    { env: { KIMIGAYO_REGISTRY_BACKOFF: "0" } },
    { env: { KIMIGAYO_REGISTRY_BACKOFF: "0.05" } },
  ];
  for (const r of rows) {
    it(`${JSON.stringify(r.env)}: ${r.want ? "refused" : "accepted"}`, () => {
      if (r.want) refuses(() => checkEnvironment(r.env), r.want);
      else checkEnvironment(r.env);
    });
  }
  it("KIMIGAYO_CACHE that is a file, or lies under one", () => {
    refuses(() => checkEnvironment({ KIMIGAYO_CACHE: aFile }), /KIMIGAYO_CACHE ".*a-file" is a file; expected a folder/);
    refuses(() => checkEnvironment({ KIMIGAYO_CACHE: join(aFile, "c") }), /KIMIGAYO_CACHE ".*" lies under .*a-file, which is a file/);
    checkEnvironment({ KIMIGAYO_CACHE: join(work, "cache") });
  });
});

describe("action inputs", () => {
  const inputs = (values: Record<string, string>) => () => getInputs((name) => values[name] ?? "");
  const rows: { values: Record<string, string>; want: RegExp }[] = [
    {
      values: { command: "publish", image: "ghcr.io/Owner/kimigayo" },
      want: /image "ghcr\.io\/Owner\/kimigayo" is not an image repository/,
    },
    {
      values: { command: "publish", image: "127.0.0.1:5000/k:latest" },
      want: /image ".*" is not an image repository: give the repository only/,
    },
    { values: { command: "build", variants: "all, tiny" }, want: /variants "all,tiny" mixes "all" with names/ },
    { values: { command: "build", platforms: "all linux/riscv64" }, want: /platforms "all,linux\/riscv64" mixes "all" with names/ },
    { values: { command: "publish", version: "2.1" }, want: /version "2\.1" is not a release version; expected vX\.Y\.Z/ },
    { values: { command: "release", tag: "release-7" }, want: /tag "release-7" is not a release version/ },
    { values: { command: "build", engine: "docker" }, want: /engine: "docker" must be auto, oci or buildx/ },
    { values: { command: "build", push: "yes" }, want: /push: "yes" must be true or false/ },
  ];
  for (const r of rows) {
    it(JSON.stringify(r.values), () => refuses(inputs(r.values), /invalid action inputs/, r.want));
  }
  it("out that is a file", () => refuses(inputs({ command: "build", out: aFile }), /invalid action inputs:\n {2}out ".*a-file" is a file/));
  it("several bad inputs are all named", () =>
    refuses(
      inputs({ command: "publish", image: "A/B", version: "x" }),
      /image "A\/B" is not an image repository/,
      /version "x" is not a release version/,
    ));
  it("good inputs pass", () => {
    const i = getInputs(
      (name) => ({ command: "publish", image: "ghcr.io/owner/kimigayo", version: "v2.1.0", variants: "all" })[name] ?? "",
    );
    assert.equal(i.image, "ghcr.io/owner/kimigayo");
  });
});

describe("config values", () => {
  const text = readFileSync(CONFIG, "utf8");
  const load = (t: string) => () => parseConfig(t, CONFIG);
  const rows: { name: string; edit: (t: string) => string; want: RegExp[] }[] = [
    {
      name: "a variant named all",
      edit: (t) => t.replace(/^ {2}minimal:/m, "  all:"),
      want: [/variants\.all \(line \d+\): variant name "all" is reserved/],
    },
    { name: "a variant named latest", edit: (t) => t.replace(/^ {2}minimal:/m, "  latest:"), want: [/variant name "latest" is reserved/] },
    {
      name: "source_date_epoch beyond a tar header",
      edit: (t) => t.replace(/^source_date_epoch: .*$/m, "source_date_epoch: 8589934592"),
      want: [/source_date_epoch \(line \d+\): 8589934592 is not a valid timestamp; .* from 0 to 8589934591/],
    },
    {
      name: "an image with port 0",
      edit: (t) => t.replace(/^image: .*$/m, "image: 127.0.0.1:0/kimigayo"),
      want: [/image \(line \d+\): "127\.0\.0\.1:0\/kimigayo" names a registry port out of range/],
    },
    {
      name: "a typo'd required key: on its own line, with did you mean, not as a missing field",
      edit: (t) => t.replace(/^version:/m, "verison:"),
      want: [
        /^[^\n]*kimigayo\.yml:3:\d+: verison \(line 3\): unknown key "verison"; .*did you mean "version"\? \(version is required and missing\)$/,
      ],
    },
    {
      name: "a typo'd optional key gets a did you mean",
      edit: (t) => t.replace(/^ {4}budget:/m, "    budgte:"),
      want: [/unknown key "budgte"; allowed keys: .*; did you mean "budget"\?/],
    },
    {
      name: "an invisible character in a key is named",
      edit: (t) => t.replace(/^ {2}sha256:/m, "  sha\u200b256:"),
      want: [
        /busybox\.sha\\u200b256 \(line \d+\): unknown key "sha\\u200b256" \(it contains U\+200B \(ZERO WIDTH SPACE\), invisible: delete it\).*did you mean "sha256"\?/,
      ],
    },
    {
      name: "a byte order mark inside the file is named",
      edit: (t) => t.replace(/^ {2}version:/m, "  \ufeffversion:"),
      want: [/unknown key "\\ufeffversion" \(it contains U\+FEFF \(ZERO WIDTH NO-BREAK SPACE, a byte order mark\)/],
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const edited = r.edit(text);
      assert.notEqual(edited, text, "the edit applies");
      refuses(load(edited), ...r.want);
    });
  }

  it(`errors are bounded: the first ${MAX_PROBLEMS_SHOWN}, then how many more`, () => {
    const keys = Array.from({ length: 80_000 }, (_, i) => `unknown_${i}: 1`).join("\n");
    let err: unknown;
    try {
      parseConfig(`${text}\n${keys}\n`, CONFIG);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 80_000, "every problem is kept for annotations");
    const message = formatError(err);
    assert.equal(message.split("\n").length, MAX_PROBLEMS_SHOWN + 1);
    assert.match(message, /\n… and 79980 more problems \(the first 20 are shown\)$/);
    assert.ok(message.length < 5000, `${message.length} characters`);
  });

  it("a services list with a bad line is refused when the config is loaded", async () => {
    const dir = join(work, "services-cfg");
    mkdirSync(dir, { recursive: true });
    const { cpSync } = await import("node:fs");
    cpSync(join(ROOT, "configs"), dir, { recursive: true });
    const list = join(dir, "openrc", "services-standard.list");
    writeFileSync(list, `${readFileSync(list, "utf8")}default\n`);
    await assert.rejects(loadConfig(join(dir, "kimigayo.yml")), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(formatError(err), /services-standard\.list:\d+: service name "" must match/);
      assert.match(err.message, /the services list of variant standard, variants\.standard\.services/);
      return true;
    });
  });
});

describe("registry error bodies", () => {
  const rows: { body: string; codes: string[]; detail: string }[] = [
    { body: '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}', codes: ["BLOB_UNKNOWN"], detail: "BLOB_UNKNOWN blob unknown" },
    {
      body: '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"},{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown"}]}',
      codes: ["MANIFEST_INVALID", "MANIFEST_BLOB_UNKNOWN"],
      detail: "MANIFEST_INVALID manifest invalid; MANIFEST_BLOB_UNKNOWN blob unknown",
    },
    { body: '{"errors":[{"code":"DENIED"}, null, 7]}', codes: ["DENIED"], detail: "DENIED" },
    { body: "<html>bad gateway</html>", codes: [], detail: "<html>bad gateway</html>" },
    { body: "{}", codes: [], detail: "" },
  ];
  for (const r of rows) it(r.body.slice(0, 50), () => assert.deepEqual(errorBody(r.body), { codes: r.codes, detail: r.detail }));
});
