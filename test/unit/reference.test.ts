import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatReference, imageAt, isRepositoryReference, parseReference, type ImageReference } from "../../src/oci/reference.js";

const D = `sha256:${"a".repeat(64)}`;

describe("parseReference: the one image-reference grammar", () => {
  const good: [string, ImageReference][] = [
    ["127.0.0.1:5000/kimigayo", { registry: "127.0.0.1:5000", repository: "kimigayo" }],
    ["localhost:5000/a/b:2.1.0", { registry: "localhost:5000", repository: "a/b", tag: "2.1.0" }],
    [`ghcr.io/o/k:1@${D}`, { registry: "ghcr.io", repository: "o/k", tag: "1", digest: D }],
    ["[::1]:5000/x", { registry: "[::1]:5000", repository: "x" }],
    ["Registry.Example/x", { registry: "Registry.Example", repository: "x" }],
    ["busybox", { registry: "docker.io", repository: "library/busybox" }],
    ["o/k_x__y-z", { registry: "docker.io", repository: "o/k_x__y-z" }],
  ];
  for (const [ref, want] of good) test(`parses ${ref}`, () => assert.deepEqual(parseReference(ref), want));

  const bad: [string, RegExp][] = [
    ["ghcr.io/O/k", /bad repository name/],
    ["x@sha256:12", /bad digest/],
    ["x:-bad", /bad tag/],
    ["bad_host.example/x", /bad registry/],
    ["-host.example/x", /bad registry/],
    ["host.example:port/x", /bad registry|bad tag/],
    [`r.example/${"a".repeat(250)}`, /longer than 255/],
    ["r.example/a//b", /bad repository name/],
    ["", /bad repository name/],
  ];
  for (const [ref, why] of bad) test(`rejects ${JSON.stringify(ref.slice(0, 40))}`, () => assert.throws(() => parseReference(ref), why));
});

describe("isRepositoryReference (the config's image)", () => {
  const table: [string, boolean][] = [
    ["127.0.0.1:5000/kimigayo", true],
    ["ghcr.io/owner/kimigayo", true],
    ["kimigayo", true],
    ["owner/kimigayo", true],
    ["ghcr.io/owner/kimigayo:2.1.0", false],
    [`ghcr.io/owner/kimigayo@${D}`, false],
    ["localhost:5000", false],
    ["Owner/kimigayo", false],
    ["ghcr.io/Owner/kimigayo", false],
    ["bad_host.example/kimigayo", false],
    ["r.example/a b", false],
  ];
  for (const [s, want] of table) test(`${s}: ${want}`, () => assert.equal(isRepositoryReference(s), want));
});

describe("writing references (src/oci/reference.ts: the one home)", () => {
  const cases: [Parameters<typeof formatReference>[0], string][] = [
    [{ registry: "127.0.0.1:5000", repository: "kimigayo" }, "127.0.0.1:5000/kimigayo"],
    [{ registry: "ghcr.io", repository: "o/k", tag: "2.1.0" }, "ghcr.io/o/k:2.1.0"],
    [{ registry: "ghcr.io", repository: "o/k", digest: `sha256:${"a".repeat(64)}` }, `ghcr.io/o/k@sha256:${"a".repeat(64)}`],
  ];
  for (const [r, want] of cases) test(`formatReference → ${want}`, () => assert.equal(formatReference(r), want));
  test("imageAt: @ for a digest, : for a tag (a referrers tag sha256-… is a tag)", () => {
    assert.equal(imageAt("ghcr.io/o/k", `sha256:${"b".repeat(64)}`), `ghcr.io/o/k@sha256:${"b".repeat(64)}`);
    assert.equal(imageAt("ghcr.io/o/k", "edge"), "ghcr.io/o/k:edge");
    assert.equal(imageAt("o/k", `sha256-${"c".repeat(64)}`), `o/k:sha256-${"c".repeat(64)}`);
  });
  test("what formatReference writes, parseReference reads back", () => {
    for (const [r] of cases) assert.deepEqual(parseReference(formatReference(r)), r);
  });
});
