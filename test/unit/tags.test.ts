import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import { UsageError } from "../../src/lib/errors.js";
import { isTag } from "../../src/oci/reference.js";
import {
  compareSemver,
  computeTags,
  parseSemver,
  plannedTags,
  sanitizeTag,
  tagOrder,
  type TagPlan,
  type TagResult,
  type TagSource,
} from "../../src/publish/tags.js";
import type { PublishResult } from "../../src/results/published.js";
import { checkPublishedTags } from "../../src/stages/release/from-published.js";

const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const KIMIGAYO = [
  { name: "minimal", default: false },
  { name: "standard", default: true },
  { name: "extended", default: false },
];

/** The rule under test, spelled out: default variant plain + suffixed; others suffixed; "latest" → "<variant>". */
function expand(base: string[], variants = KIMIGAYO): TagPlan[] {
  return variants.map((v) => {
    const suffixed = base.map((t) => (t === "latest" ? v.name : `${t}-${v.name}`));
    return { variant: v.name, tags: v.default ? [...base, ...suffixed] : suffixed };
  });
}

const SHA = "abc1234def5678901234567890abcdef12345678";
const HEAD = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const MERGE = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const LONG_BRANCH = `feature/${"x".repeat(192)}`; // 200 characters
const LONG_STEM = `feature-${"x".repeat(111)}`; // 128 - "-extended".length = 119 characters

const tag = (ref: string, existingTags?: string[]): TagSource => ({ kind: "tag", ref, ...(existingTags ? { existingTags } : {}) });
const branch = (name: string, sha = SHA): TagSource => ({ kind: "branch", branch: name, sha, defaultBranch: "main" });

interface Row {
  name: string;
  src: TagSource;
  variants?: { name: string; default: boolean }[];
  /** Expected base tags (expanded over the variants) or fully written plans. */
  base?: string[];
  plans?: TagPlan[];
  version?: string;
  prerelease?: boolean;
  throws?: RegExp;
}

const ROWS: Row[] = [
  // --- stable releases: which floating tags move --------------------------------------------------
  { name: "first ever release, no existingTags", src: tag("v1.0.0"), base: ["1.0.0", "1.0", "1", "latest"], version: "1.0.0" },
  {
    name: "first ever release, full ref, only itself exists",
    src: tag("refs/tags/v1.0.0", ["v1.0.0"]),
    base: ["1.0.0", "1.0", "1", "latest"],
  },
  { name: "first 0.x release", src: tag("v0.1.0", []), base: ["0.1.0", "0.1", "0", "latest"], version: "0.1.0" },
  {
    name: "v2.1.0 newest (the worked example, written out)",
    src: tag("v2.1.0", ["v1.0.0", "v2.0.0", "v2.1.0"]),
    version: "2.1.0",
    prerelease: false,
    plans: [
      { variant: "minimal", tags: ["2.1.0-minimal", "2.1-minimal", "2-minimal", "minimal"] },
      { variant: "standard", tags: ["2.1.0", "2.1", "2", "latest", "2.1.0-standard", "2.1-standard", "2-standard", "standard"] },
      { variant: "extended", tags: ["2.1.0-extended", "2.1-extended", "2-extended", "extended"] },
    ],
  },
  { name: "v1.9.3 after v2.0.0 moves 1 and 1.9, never latest", src: tag("v1.9.3", ["v1.9.2", "v2.0.0"]), base: ["1.9.3", "1.9", "1"] },
  { name: "v1.9.3 when v1.10.0 exists: 1.9 only (10 > 9 numerically)", src: tag("v1.9.3", ["v1.10.0", "v2.0.0"]), base: ["1.9.3", "1.9"] },
  { name: "v1.9.3 when v1.9.4 exists: exact tag only", src: tag("v1.9.3", ["v1.9.4", "v2.0.0"]), base: ["1.9.3"] },
  { name: "v2.0.1 after v2.1.0: 2.0.1 and 2.0, not 2 nor latest", src: tag("v2.0.1", ["v2.0.0", "v2.1.0"]), base: ["2.0.1", "2.0"] },
  {
    name: "v1.10.0 beats v1.9.0 (numeric, not lexical)",
    src: tag("v1.10.0", ["v1.2.0", "v1.9.0"]),
    base: ["1.10.0", "1.10", "1", "latest"],
  },
  {
    name: "re-run of the newest release (itself in existingTags)",
    src: tag("v2.1.0", ["v2.1.0", "v2.0.0"]),
    base: ["2.1.0", "2.1", "2", "latest"],
  },
  {
    name: "stable after its rc gets latest",
    src: tag("v2.1.0", ["v2.0.0", "v2.1.0-rc.1", "v2.1.0-rc.2"]),
    base: ["2.1.0", "2.1", "2", "latest"],
    prerelease: false,
  },
  {
    name: "a higher pre-release does not hold latest back",
    src: tag("v2.1.0", ["v2.0.0", "v3.0.0-rc.1"]),
    base: ["2.1.0", "2.1", "2", "latest"],
  },
  {
    name: "non-SemVer tags in the repo are ignored",
    src: tag("v2.1.0", ["release-1", "v2", "v2.2", "nightly", "v9.9.9.9", "v2.0.0"]),
    base: ["2.1.0", "2.1", "2", "latest"],
  },
  { name: "existing tags may be full refs or lack the v", src: tag("v2.0.1", ["refs/tags/v2.1.0", "2.0.0"]), base: ["2.0.1", "2.0"] },
  // --- pre-releases: exact tag only ------------------------------------------------------------------
  {
    name: "pre-release as first ever release: no latest (metadata-action surprise)",
    src: tag("v2.1.0-rc.1"),
    base: ["2.1.0-rc.1"],
    version: "2.1.0-rc.1",
    prerelease: true,
  },
  { name: "rc after stable: exact tag only", src: tag("v2.2.0-rc.1", ["v2.1.0"]), base: ["2.2.0-rc.1"], prerelease: true },
  {
    name: "pre-release of a new major: not 3 nor 3.0",
    src: tag("refs/tags/v3.0.0-beta.2", ["v2.1.0"]),
    base: ["3.0.0-beta.2"],
    prerelease: true,
  },
  // --- build metadata: dropped from tags, kept in version -----------------------------------------------
  {
    name: "build metadata is stripped from tags",
    src: tag("v2.1.0+build.7", ["v2.0.0"]),
    base: ["2.1.0", "2.1", "2", "latest"],
    version: "2.1.0+build.7",
  },
  {
    name: "pre-release with build metadata",
    src: tag("v2.1.0-rc.1+sha.abc", []),
    base: ["2.1.0-rc.1"],
    version: "2.1.0-rc.1+sha.abc",
    prerelease: true,
  },
  { name: "same version, other build metadata: still newest", src: tag("v2.1.0+b", ["v2.1.0+a"]), base: ["2.1.0", "2.1", "2", "latest"] },
  // --- explicit --version ----------------------------------------------------------------------------
  {
    name: "explicit version without v",
    src: { kind: "version", version: "2.1.0" },
    base: ["2.1.0", "2.1", "2", "latest"],
    version: "2.1.0",
  },
  { name: "explicit version with v", src: { kind: "version", version: "v2.1.0" }, base: ["2.1.0", "2.1", "2", "latest"], version: "2.1.0" },
  {
    name: "explicit version, backport",
    src: { kind: "version", version: "1.9.3", existingTags: ["v2.0.0"] },
    base: ["1.9.3", "1.9", "1"],
  },
  { name: "explicit pre-release version", src: { kind: "version", version: "v2.1.0-rc.1" }, base: ["2.1.0-rc.1"], prerelease: true },
  // --- branches --------------------------------------------------------------------------------------
  { name: "default branch → edge", src: branch("main"), base: ["edge", "sha-abc1234"], prerelease: false },
  { name: "default branch as a ref", src: branch("refs/heads/main"), base: ["edge", "sha-abc1234"] },
  { name: "branch with slash and space", src: branch("feature/Size Check"), base: ["feature-size-check", "sha-abc1234"] },
  { name: "branch in upper case, sha in upper case", src: branch("Fix/UPPER", SHA.toUpperCase()), base: ["fix-upper", "sha-abc1234"] },
  { name: "branch with leading dots and dashes", src: branch("..-hidden/thing"), base: ["hidden-thing", "sha-abc1234"] },
  { name: "branch with non-ASCII and trailing slash", src: branch("fix/ünï code/"), base: ["fix-n-code", "sha-abc1234"] },
  { name: "200-character branch", src: branch(LONG_BRANCH), base: [LONG_STEM, "sha-abc1234"] },
  {
    name: "200-character branch, single short variant: stem leaves room for '-std'",
    src: branch(LONG_BRANCH),
    variants: [{ name: "std", default: true }],
    base: [`feature-${"x".repeat(116)}`, "sha-abc1234"],
  },
  {
    name: "sha tags written out",
    src: branch("dev"),
    plans: [
      { variant: "minimal", tags: ["dev-minimal", "sha-abc1234-minimal"] },
      { variant: "standard", tags: ["dev", "sha-abc1234", "dev-standard", "sha-abc1234-standard"] },
      { variant: "extended", tags: ["dev-extended", "sha-abc1234-extended"] },
    ],
  },
  // --- pull requests ---------------------------------------------------------------------------------
  {
    name: "PR uses the head sha, never the merge sha",
    // What a caller might wrongly have at hand: the extra field must be ignored.
    src: { kind: "pr", number: 42, headSha: HEAD, mergeSha: MERGE } as TagSource,
    plans: [
      { variant: "minimal", tags: ["pr-42-minimal", "sha-1111111-minimal"] },
      { variant: "standard", tags: ["pr-42", "sha-1111111", "pr-42-standard", "sha-1111111-standard"] },
      { variant: "extended", tags: ["pr-42-extended", "sha-1111111-extended"] },
    ],
    prerelease: false,
  },
  // --- bad input → UsageError ------------------------------------------------------------------------
  { name: "ref release-1", src: tag("release-1"), throws: /"release-1" is not a release version; expected vX\.Y\.Z\[-pre\]/ },
  { name: "ref v2", src: tag("v2"), throws: /"v2" is not a release version; expected vX\.Y\.Z\[-pre\]/ },
  { name: "ref v2.1", src: tag("refs/tags/v2.1"), throws: /"refs\/tags\/v2\.1" is not a release version; expected vX\.Y\.Z\[-pre\]/ },
  { name: "ref with leading zero", src: tag("v02.1.0"), throws: /"v02\.1\.0" is not a release version/ },
  { name: "ref with empty pre-release", src: tag("v2.1.0-"), throws: /"v2\.1\.0-" is not a release version/ },
  { name: "branch ref given as tag", src: tag("refs/heads/v2.1.0"), throws: /"refs\/heads\/v2\.1\.0" is not a release version/ },
  { name: "bad explicit version", src: { kind: "version", version: "latest" }, throws: /"latest" is not a release version/ },
  { name: "pre-release too long for a tag", src: tag(`v1.0.0-${"a".repeat(120)}`), throws: /OCI tags are at most 128/ },
  { name: "branch named latest", src: branch("latest"), throws: /branch "latest" would be tagged "latest".*rename the branch/ },
  { name: "branch named like a release", src: branch("2.1"), throws: /"2\.1", which is a release tag/ },
  { name: "branch named like a variant", src: branch("Minimal"), throws: /"minimal", which is the latest minimal image's tag/ },
  { name: "branch named like a suffixed edge tag", src: branch("edge-minimal"), throws: /which is the default branch's tag/ },
  { name: "branch named like a sha tag", src: branch("sha-ABC1234"), throws: /which is a commit's tag/ },
  { name: "branch with nothing usable", src: branch("///"), throws: /"\/\/\/" leaves nothing usable/ },
  { name: "bad branch sha", src: branch("dev", "xyz"), throws: /"xyz" is not a commit id/ },
  { name: "bad PR number", src: { kind: "pr", number: 0, headSha: HEAD }, throws: /pull request number 0 is not valid/ },
  { name: "short PR head sha", src: { kind: "pr", number: 1, headSha: "abc" }, throws: /"abc" is not a commit id/ },
  { name: "no default variant", src: tag("v1.0.0"), variants: [{ name: "a", default: false }], throws: /no variant has default: true/ },
  {
    name: "two default variants",
    src: tag("v1.0.0"),
    variants: [
      { name: "a", default: true },
      { name: "b", default: true },
    ],
    throws: /2 variants have default: true/,
  },
  {
    name: "variant named latest",
    src: tag("v1.0.0"),
    variants: [
      { name: "standard", default: true },
      { name: "latest", default: false },
    ],
    throws: /variant name "latest" is reserved/,
  },
];

describe("computeTags", () => {
  test("the table has at least 25 rows", () => assert.ok(ROWS.length >= 25, String(ROWS.length)));

  for (const row of ROWS) {
    test(row.name, () => {
      const variants = row.variants ?? KIMIGAYO;
      if (row.throws) {
        assert.throws(
          () => computeTags(row.src, variants),
          (err: unknown) => {
            assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
            assert.equal(err.exitCode, 2);
            assert.match(err.message, row.throws!);
            return true;
          },
        );
        return;
      }
      const got = computeTags(row.src, variants);
      const want = row.plans ?? expand(row.base!, variants);
      assert.deepEqual(got.plans, want);
      if ("version" in row) assert.equal(got.version, row.version);
      if (row.src.kind === "branch" || row.src.kind === "pr") assert.equal(got.version, undefined);
      if (row.prerelease !== undefined) assert.equal(got.prerelease, row.prerelease);

      // Invariants that hold for every plan.
      const all = got.plans.flatMap((p) => p.tags);
      assert.equal(new Set(all).size, all.length, "a tag is in two plans or twice in one");
      for (const t of all) {
        assert.match(t, OCI_TAG);
        assert.ok(isTag(t), t);
        assert.ok(!t.includes("+"), t);
      }
      if (got.prerelease) {
        for (const p of got.plans) {
          assert.ok(!p.tags.includes("latest"), "latest on a pre-release");
          assert.ok(!p.tags.includes(p.variant), "variant latest on a pre-release");
        }
      }
    });
  }

  test("the merge sha appears nowhere in a PR plan", () => {
    const src = { kind: "pr", number: 7, headSha: HEAD, mergeSha: MERGE } as TagSource;
    const tags = computeTags(src, KIMIGAYO).plans.flatMap((p) => p.tags);
    assert.ok(tags.every((t) => !t.includes(MERGE.slice(0, 7))));
    assert.ok(tags.includes("sha-1111111"));
  });

  test("does not mutate its inputs", () => {
    const existing = ["v2.1.0", "v2.0.0"];
    const variants = KIMIGAYO.map((v) => ({ ...v }));
    computeTags({ kind: "tag", ref: "v2.0.1", existingTags: existing }, variants);
    assert.deepEqual(existing, ["v2.1.0", "v2.0.0"]);
    assert.deepEqual(variants, KIMIGAYO);
  });
});

describe("compareSemver", () => {
  const ascending = [
    "0.9.9",
    "1.0.0-0",
    "1.0.0-2",
    "1.0.0-10",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.2.0",
    "1.10.0",
    "2.0.0",
    "10.0.0",
  ];
  test("the SemVer 2.0 precedence chain", () => {
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const a = ascending[i]!;
        const b = ascending[j]!;
        assert.equal(compareSemver(a, b), Math.sign(i - j), `${a} vs ${b}`);
      }
    }
  });

  const table: [string, string, number][] = [
    ["1.0.0-alpha", "1.0.0-alpha.1", -1],
    ["1.0.0-alpha.1", "1.0.0-beta", -1],
    ["1.0.0-beta", "1.0.0-rc.1", -1],
    ["1.0.0-rc.1", "1.0.0", -1],
    ["1.0.0-rc.2", "1.0.0-rc.10", -1], // numeric identifiers compare numerically
    ["1.0.0-rc.99999999999999999999", "1.0.0-rc.100000000000000000000", -1], // beyond 2^53
    ["1.0.0-1", "1.0.0-a", -1], // numeric before alphanumeric
    ["1.0.0-B", "1.0.0-a", -1], // ASCII order
    ["1.0.0-x-1", "1.0.0-x-2", -1],
    ["1.9.0", "1.10.0", -1],
    ["1.0.0+build.1", "1.0.0+build.2", 0], // build metadata is ignored
    ["1.0.0-rc.1+a", "1.0.0-rc.1", 0],
    ["2.0.0", "1.99.99", 1],
  ];
  for (const [a, b, want] of table) {
    test(`${a} vs ${b} → ${want}`, () => {
      assert.equal(compareSemver(a, b), want);
      assert.equal(compareSemver(b, a), want === 0 ? 0 : -want);
      assert.equal(compareSemver(parseSemver(a)!, parseSemver(b)!), want);
    });
  }

  test("rejects what is not SemVer", () => {
    assert.throws(() => compareSemver("v1.0.0", "1.0.0"), UsageError);
  });
});

describe("parseSemver", () => {
  test("valid", () => {
    assert.deepEqual(parseSemver("2.1.0"), { major: 2, minor: 1, patch: 0, prerelease: [] });
    assert.deepEqual(parseSemver("2.1.0-rc.1"), { major: 2, minor: 1, patch: 0, prerelease: ["rc", "1"] });
    assert.deepEqual(parseSemver("1.0.0-0A.is.legal+exp.sha.5114f85"), {
      major: 1,
      minor: 0,
      patch: 0,
      prerelease: ["0A", "is", "legal"],
      build: "exp.sha.5114f85",
    });
    assert.deepEqual(parseSemver("0.0.0+007"), { major: 0, minor: 0, patch: 0, prerelease: [], build: "007" });
  });
  for (const bad of [
    "",
    "v1.0.0",
    "1",
    "1.0",
    "1.0.0.0",
    "01.0.0",
    "1.0.0-01",
    "1.0.0-",
    "1.0.0+",
    "1.0.0-a..b",
    "1.0.0-a_b",
    " 1.0.0",
    "99999999999999999.0.0",
  ]) {
    test(`invalid: ${JSON.stringify(bad)}`, () => assert.equal(parseSemver(bad), undefined));
  }
});

describe("sanitizeTag", () => {
  const table: [string, string][] = [
    ["feature/Size Check", "feature-size-check"],
    ["main", "main"],
    ["UPPER", "upper"],
    ["a//b", "a-b"],
    ["..hidden", "hidden"],
    ["-x", "x"],
    ["_x", "_x"], // "_" may start a tag
    ["fix/", "fix"],
    ["dependabot/npm_and_yarn/zod-4.6.7", "dependabot-npm_and_yarn-zod-4.6.7"],
    ["ünïcode", "n-code"],
    ["x".repeat(200), "x".repeat(128)],
    [`${"x".repeat(127)}/y`, "x".repeat(127)], // cut at 128, then the trailing "-" trimmed
  ];
  for (const [input, want] of table) {
    test(`${JSON.stringify(input.length > 40 ? `${input.slice(0, 20)}…` : input)} → ${want.length > 40 ? `${want.length} chars` : want}`, () => {
      const got = sanitizeTag(input);
      assert.equal(got, want);
      assert.match(got, OCI_TAG);
      assert.ok(isTag(got));
    });
  }
  test("maxLength caps shorter", () => assert.equal(sanitizeTag("abcdef", 3), "abc"));
  for (const bad of ["", "///", "...", "-.-", "日本"]) {
    test(`nothing usable in ${JSON.stringify(bad)} → UsageError`, () => assert.throws(() => sanitizeTag(bad), UsageError));
  }
});

describe("tagOrder: exact tags of every variant first, then the moving ones, widest last", () => {
  const variants = [
    { name: "minimal", default: false },
    { name: "standard", default: true },
  ];
  const rows: { source: TagSource; want: string[] }[] = [
    {
      source: { kind: "version", version: "2.1.0", existingTags: ["v2.1.0"] },
      want: [
        "2.1.0-minimal",
        "2.1.0",
        "2.1.0-standard",
        "2.1-minimal",
        "2.1",
        "2.1-standard",
        "2-minimal",
        "2",
        "2-standard",
        "minimal",
        "latest",
        "standard",
      ],
    },
    {
      source: { kind: "version", version: "2.1.0-rc.1" },
      want: ["2.1.0-rc.1-minimal", "2.1.0-rc.1", "2.1.0-rc.1-standard"],
    },
    {
      source: { kind: "branch", branch: "main", sha: "0123456789abcdef", defaultBranch: "main" },
      want: ["sha-0123456-minimal", "sha-0123456", "sha-0123456-standard", "edge-minimal", "edge", "edge-standard"],
    },
    {
      source: { kind: "pr", number: 7, headSha: "fedcba9876543210" },
      want: ["sha-fedcba9-minimal", "sha-fedcba9", "sha-fedcba9-standard", "pr-7-minimal", "pr-7", "pr-7-standard"],
    },
  ];
  for (const { source, want } of rows) {
    it(`${source.kind} ${JSON.stringify(source).slice(0, 60)}`, () => {
      const order = tagOrder(computeTags(source, variants));
      assert.deepEqual(
        order.map((m) => m.tag),
        want,
      );
      const firstMoving = order.findIndex((m) => !m.exact);
      assert.ok(firstMoving === -1 || order.slice(firstMoving).every((m) => !m.exact), "no exact tag after a moving one");
    });
  }
});

describe("plannedTags: a variant's tags in the plan's order", () => {
  const plan = computeTags({ kind: "version", version: "2.1.0", existingTags: ["v2.1.0"] }, KIMIGAYO);
  const rows: { variant: string; want: string[] }[] = [
    { variant: "standard", want: ["2.1.0", "2.1", "2", "latest", "2.1.0-standard", "2.1-standard", "2-standard", "standard"] },
    { variant: "minimal", want: ["2.1.0-minimal", "2.1-minimal", "2-minimal", "minimal"] },
    { variant: "web", want: [] },
  ];
  for (const { variant, want } of rows) it(variant, () => assert.deepEqual(plannedTags(plan, variant), want));
});

describe("checkPublishedTags: the tags merge recorded in published.json against the release's own plan", () => {
  const release = computeTags({ kind: "tag", ref: "v2.1.0", existingTags: ["v2.0.0", "v2.1.0"] }, KIMIGAYO);
  // v2.2.0 already out: this release moves neither 2 nor latest.
  const backport = computeTags({ kind: "tag", ref: "v2.1.0", existingTags: ["v2.1.0", "v2.2.0"] }, KIMIGAYO);
  const stats = { blobsUploaded: 0, blobBytesUploaded: 0, blobsSkipped: 0, blobsMounted: 0, manifestsPut: 1 };
  const published = (tagsOf: (v: string) => { tags: string[]; deferredTags?: string[] }): PublishResult => ({
    image: "ghcr.io/o/kimigayo",
    version: "2.1.0",
    prerelease: false,
    variants: KIMIGAYO.map((v, i) => ({
      variant: v.name,
      index: `sha256:${String(i).repeat(64)}`,
      manifests: [],
      references: [],
      stats,
      ...tagsOf(v.name),
    })),
  });
  const rows: { name: string; published: PublishResult; plan?: TagResult; throws?: RegExp; warns?: RegExp }[] = [
    {
      name: "merge --defer-tags, the same plan: nothing to say",
      published: published((v) => ({ tags: [], deferredTags: plannedTags(release, v) })),
    },
    {
      name: "the same tags in another order",
      published: published((v) => ({ tags: [], deferredTags: [...plannedTags(release, v)].reverse() })),
    },
    {
      name: "merge without --defer-tags: the tags already moved, said",
      published: published((v) => ({ tags: plannedTags(release, v) })),
      warns: /merge already moved the tags of minimal, standard, extended \(it ran without --defer-tags/,
    },
    {
      name: "merge planned latest, the release does not (a newer release between the jobs): exit 2",
      published: published((v) => ({ tags: [], deferredTags: plannedTags(release, v) })),
      plan: backport,
      throws:
        /published\.json in art: merge planned minimal's tags as 2\.1\.0-minimal, 2\.1-minimal, 2-minimal, minimal; this release plans 2\.1\.0-minimal, 2\.1-minimal\. .*fetch-depth: 0/,
    },
    {
      name: "merge recorded no tags at all (a merge of a branch build): exit 2",
      published: published(() => ({ tags: [], deferredTags: [] })),
      throws: /merge planned minimal's tags as none; this release plans 2\.1\.0-minimal/,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const warnings: string[] = [];
      const run = () => checkPublishedTags(row.published, row.plan ?? release, "published.json in art", (m) => warnings.push(m));
      if (row.throws) {
        assert.throws(run, (e: unknown) => e instanceof UsageError && row.throws!.test(e.message));
        return;
      }
      run();
      if (row.warns) {
        assert.equal(warnings.length, 1);
        assert.match(warnings[0]!, row.warns);
      } else assert.deepEqual(warnings, []);
    });
  }
});
