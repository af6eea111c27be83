import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRebuildOptions } from "../../src/cli/rebuild.js";
import { selectPlatforms } from "../../src/config/load.js";
import { archOf, hostPlatform, ociPlatform, parsePlatform, platformOf, PLATFORMS } from "../../src/lib/platform.js";

describe("platforms (src/lib/platform.ts)", () => {
  const parse: [string, string | undefined][] = [
    ["linux/amd64", "linux/amd64"],
    ["linux/arm64", "linux/arm64"],
    ["amd64", "linux/amd64"],
    ["arm64", "linux/arm64"],
    ["linux/arm64/v8", "linux/arm64"],
    ["aarch64", "linux/arm64"],
    ["x86_64", "linux/amd64"],
    ["Linux/AMD64", "linux/amd64"],
    ["linux/arm64/v7", undefined],
    ["linux/amd64/v8", undefined],
    ["linux/arm/v7", undefined],
    ["windows/amd64", undefined],
    ["linux/arm64/v8/x", undefined],
    ["", undefined],
  ];
  for (const [s, want] of parse)
    test(`parsePlatform(${JSON.stringify(s)}) → ${want ?? "none"}`, () => assert.equal(parsePlatform(s), want));

  test("arch and OCI platform of each supported platform", () => {
    assert.deepEqual(
      PLATFORMS.map((p) => [archOf(p), ociPlatform(p)]),
      [
        ["amd64", { os: "linux", architecture: "amd64" }],
        ["arm64", { os: "linux", architecture: "arm64", variant: "v8" }],
      ],
    );
    for (const p of PLATFORMS) assert.equal(platformOf(ociPlatform(p)), p, "an OCI platform reads back as the same platform");
  });

  const descriptors: [Parameters<typeof platformOf>[0], string | undefined][] = [
    [{ os: "linux", architecture: "arm64" }, "linux/arm64"],
    [{ os: "linux", architecture: "arm64", variant: "v8" }, "linux/arm64"],
    [{ os: "linux", architecture: "arm", variant: "v7" }, undefined],
    [{ os: "linux" }, undefined],
    [undefined, undefined],
  ];
  for (const [d, want] of descriptors)
    test(`platformOf(${JSON.stringify(d)}) → ${want ?? "none"}`, () => assert.equal(platformOf(d), want));

  test("hostPlatform maps Node's process.arch", () => {
    assert.equal(hostPlatform("x64"), "linux/amd64");
    assert.equal(hostPlatform("arm64"), "linux/arm64");
    assert.equal(hostPlatform("s390x"), undefined);
  });
});

describe("--platform reads every spelling parsePlatform reads, in every command", () => {
  const spellings: [string, string][] = [
    ["aarch64", "linux/arm64"],
    ["arm64", "linux/arm64"],
    ["linux/arm64/v8", "linux/arm64"],
    ["x86_64", "linux/amd64"],
    ["linux/amd64", "linux/amd64"],
  ];
  const config = { platforms: [...PLATFORMS] } as unknown as Parameters<typeof selectPlatforms>[0];
  for (const [given, want] of spellings) {
    test(`${given} → ${want}: build, bench, publish (selectPlatforms) and rebuild`, () => {
      assert.deepEqual(selectPlatforms(config, given), [want]);
      assert.equal(parseRebuildOptions(["--verify", "127.0.0.1:5000/kimigayo:2.1.0", "--platform", given]).platform, want);
    });
  }
  test("a platform the project does not build is refused by both, naming it", () => {
    assert.throws(
      () => selectPlatforms(config, "linux/arm64/v7"),
      /unknown platform "linux\/arm64\/v7"; allowed: linux\/amd64, linux\/arm64/,
    );
    assert.throws(
      () => parseRebuildOptions(["--verify", "127.0.0.1:5000/kimigayo:2.1.0", "--platform", "linux/arm64/v7"]),
      /rebuild: --platform "linux\/arm64\/v7" is not one of linux\/amd64, linux\/arm64/,
    );
  });
});
