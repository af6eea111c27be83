import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compareSemver, isSemver, parseReleaseVersion, parseSemver, versionAtLeast } from "../../src/lib/version.js";

describe("parseSemver (src/lib/version.ts)", () => {
  const valid: [string, ReturnType<typeof parseSemver>][] = [
    ["0.0.0", { major: 0, minor: 0, patch: 0, prerelease: [] }],
    ["2.1.0", { major: 2, minor: 1, patch: 0, prerelease: [] }],
    ["2.1.0-rc.1", { major: 2, minor: 1, patch: 0, prerelease: ["rc", "1"] }],
    ["1.0.0-x-y.0A+b.007", { major: 1, minor: 0, patch: 0, prerelease: ["x-y", "0A"], build: "b.007" }],
    ["1.0.0-rc.99999999999999999999", { major: 1, minor: 0, patch: 0, prerelease: ["rc", "99999999999999999999"] }],
    ["10.20.30+meta", { major: 10, minor: 20, patch: 30, prerelease: [], build: "meta" }],
  ];
  for (const [s, want] of valid)
    test(`valid: ${s}`, () => {
      assert.deepEqual(parseSemver(s), want);
      assert.equal(isSemver(s), true);
    });

  for (const bad of [
    "v1.0.0",
    "=1.0.0",
    "1.0.0 ",
    "\t1.0.0",
    "1.0",
    "1.0.0-",
    "1.0.0-01",
    "1.0.0+",
    "1.0.0+a..b",
    "01.2.3",
    "1.2.3.4",
    "x",
  ])
    test(`invalid: ${JSON.stringify(bad)}`, () => {
      assert.equal(parseSemver(bad), undefined);
      assert.equal(isSemver(bad), false);
    });
});

describe("parseReleaseVersion", () => {
  const table: [string, string | undefined][] = [
    ["refs/tags/v2.1.0", "2.1.0"],
    ["v2.1.0-rc.1", "2.1.0-rc.1"],
    ["2.1.0", "2.1.0"],
    ["refs/heads/main", undefined],
    ["vv2.1.0", undefined],
    ["release-1", undefined],
  ];
  for (const [ref, want] of table)
    test(`${ref} → ${want ?? "none"}`, () => {
      const v = parseReleaseVersion(ref);
      assert.equal(v && `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join(".")}` : ""}`, want);
    });
});

describe("compareSemver", () => {
  const table: [string, string, number][] = [
    ["1.0.0", "1.0.0", 0],
    ["1.0.0+a", "1.0.0+b", 0],
    ["1.9.0", "1.10.0", -1],
    ["1.0.0-rc.1", "1.0.0", -1],
    ["1.0.0-1", "1.0.0-alpha", -1],
    ["1.0.0-alpha", "1.0.0-alpha.0", -1],
    ["1.0.0-rc.9", "1.0.0-rc.10", -1],
    ["1.0.0-rc.99999999999999999999", "1.0.0-rc.100000000000000000000", -1],
    ["1.0.0-B", "1.0.0-a", -1],
    ["2.0.0", "1.99.99", 1],
  ];
  for (const [a, b, want] of table)
    test(`${a} vs ${b} → ${want}`, () => {
      assert.equal(compareSemver(a, b), want);
      assert.equal(compareSemver(b, a), want === 0 ? 0 : -want);
    });
  test("a non-version throws the caller's error, or a plain one", () => {
    assert.throws(() => compareSemver("v1", "1.0.0"), /"v1" is not a SemVer 2\.0 version/);
    assert.throws(() => compareSemver("1.0.0", "x", (s) => new RangeError(`bad ${s}`)), RangeError);
  });
});

describe("versionAtLeast", () => {
  const table: [string, string, boolean][] = [
    ["v0.12.1", "0.12.0", true],
    ["v0.12.0", "0.12.0", true],
    ["v0.11.2", "0.12.0", false],
    ["0.9.0", "0.12.0", false],
    ["v0.13.0-desktop.1", "0.12.0", true],
    ["github.com/docker/buildx v1.0.0 abc", "0.12.0", true],
    ["unknown", "0.12.0", false],
  ];
  for (const [have, min, want] of table) test(`${have} ≥ ${min}: ${want}`, () => assert.equal(versionAtLeast(have, min), want));
});
