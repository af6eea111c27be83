/**
 * rebuild --verify's comparison: the toolchain first (what the provenance recorded against what
 * this rebuild uses), then each layer's diff_id and digest, naming the compressor when only the
 * compressed bytes differ.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatRebuild, rebuildCommand } from "../../src/cli/rebuild.js";
import { LAYER_COMPRESSOR_ID } from "../../src/oci/gzip.js";
import { compareLayers, describeToolchain, toolchainDifferences, type PlatformRebuild } from "../../src/verify/rebuild.js";

const T = (over: Record<string, string> = {}) => ({
  route: "lock",
  lock: `sha256:${"5".repeat(64)}`,
  compiler: "gcc-12 12.2.0-14+deb12u1",
  binutils: "binutils-x86-64-linux-gnu 2.40-2",
  musl: "musl-dev 1.2.3-1",
  ...over,
});
/** A build.json/provenance record of the host route (no lock), as on an Ubuntu runner. */
const H = (over: Record<string, string> = {}) => ({
  route: "host",
  compiler: "gcc-13 13.2.0-23ubuntu4",
  binutils: "binutils-x86-64-linux-gnu 2.42-4ubuntu2",
  musl: "musl-dev 1.2.4-2",
  ...over,
});
const L = (d: string, id: string) => ({ digest: `sha256:${d.repeat(64)}`, diffId: `sha256:${id.repeat(64)}` });

describe("rebuild: the toolchain and the layers", () => {
  it("names the toolchain fields that differ, ignoring what the provenance did not record", () => {
    const table: [Record<string, string>, Record<string, string>, string[]][] = [
      [T(), T(), []],
      [T(), T({ musl: "musl-dev 1.2.5-1", lock: `sha256:${"6".repeat(64)}` }), ["lock", "musl"]],
      [{ musl: "1.2.3" }, T(), ["musl"]],
      [{}, T(), []],
      // Built with the host toolchain, rebuilt with the lock: the route first, then each version.
      [H(), T(), ["route", "compiler", "binutils", "musl"]],
      // A host with the lock's very versions (Debian 12) differs in the route alone.
      [H({ compiler: T().compiler, binutils: T().binutils, musl: T().musl }), T(), ["route"]],
      [T(), H(), ["route", "compiler", "binutils", "musl"]],
    ];
    for (const [recorded, now, want] of table) assert.deepEqual(toolchainDifferences(recorded, now), want, JSON.stringify(recorded));
  });

  it("compares each layer's diff_id as well as its digest, and names the compressor when only the compression differs", () => {
    const rows: [string, ReturnType<typeof L>[], ReturnType<typeof L>[], (string | undefined)[]][] = [
      ["identical", [L("a", "b")], [L("a", "b")], [undefined]],
      [
        "same tar, other gzip bytes",
        [L("a", "b")],
        [L("c", "b")],
        [`compressed to other bytes: this rebuild compresses with ${LAYER_COMPRESSOR_ID}`],
      ],
      ["other tar", [L("a", "b")], [L("c", "d")], [undefined]],
    ];
    for (const [name, pub, reb, want] of rows) {
      const got = compareLayers(pub, reb, LAYER_COMPRESSOR_ID);
      assert.equal(got.length, want.length, name);
      got.forEach((g, i) =>
        want[i]
          ? assert.ok(g.compressedOnly?.includes(want[i]!), `${name}: ${g.compressedOnly}`)
          : assert.equal(g.compressedOnly, undefined, name),
      );
    }
    assert.deepEqual(compareLayers([L("a", "b")], [], "x")[0]!.rebuilt, { digest: "(none)", diffId: "(none)" });
  });

  it("tells a toolchain in a sentence: the host's by compiler / musl, the lock's by digest", () => {
    const table: [Record<string, string>, string][] = [
      [H(), "the host toolchain gcc-13 13.2.0-23ubuntu4 / musl-dev 1.2.4-2 (binutils-x86-64-linux-gnu 2.42-4ubuntu2)"],
      [H({ musl: "musl 1.2.4", binutils: "" }), "the host toolchain gcc-13 13.2.0-23ubuntu4 / musl 1.2.4"],
      [T(), "lock sha256:555555555555… (gcc-12 12.2.0-14+deb12u1, binutils-x86-64-linux-gnu 2.40-2, musl-dev 1.2.3-1)"],
      [{ musl: "1.2.3" }, "1.2.3"],
      [{}, "a toolchain the provenance does not record"],
    ];
    for (const [t, want] of table) assert.equal(describeToolchain(t), want, JSON.stringify(t));
  });

  it("a build of the host toolchain rebuilt with the lock: the toolchain line names both first, and the failure names the toolchain", () => {
    const p: PlatformRebuild = {
      platform: "linux/amd64",
      published: "sha256:p",
      rebuilt: "sha256:r",
      match: false,
      inputs: [],
      toolchain: {
        recorded: H(),
        now: T(),
        differs: toolchainDifferences(H(), T()),
        summary: `built with ${describeToolchain(H())}, rebuilding with ${describeToolchain(T())}`,
      },
      layers: compareLayers([L("a", "b")], [L("c", "d")], LAYER_COMPRESSOR_ID),
      files: [],
    };
    const lines = formatRebuild({ image: "x", platforms: [p], passed: false }).split("\n");
    assert.match(
      lines[1]!,
      /^ {2}toolchain: built with the host toolchain gcc-13 13\.2\.0-23ubuntu4 \/ musl-dev 1\.2\.4-2 .*, rebuilding with lock sha256:5{12}…/,
    );
    assert.equal(lines[2], "  toolchain route: built with host, rebuilt with lock");
    assert.equal(
      rebuildCommand.failure?.({ image: "x", platforms: [p], passed: false }),
      "rebuild: linux/amd64 (toolchain route, compiler, binutils, musl) did not reproduce x",
    );
  });

  it("prints the toolchain before the inputs, the layers and the files", () => {
    const p: PlatformRebuild = {
      platform: "linux/amd64",
      published: "sha256:p",
      rebuilt: "sha256:r",
      match: false,
      inputs: [{ file: "configs/kimigayo.yml", recorded: "1", now: "2" }],
      toolchain: {
        recorded: T(),
        now: T({ compiler: "gcc-12 12.2.0-15" }),
        differs: ["compiler"],
        summary: `built with ${describeToolchain(T())}, rebuilding with ${describeToolchain(T({ compiler: "gcc-12 12.2.0-15" }))}`,
      },
      layers: compareLayers([L("a", "b")], [L("c", "b")], LAYER_COMPRESSOR_ID),
      files: [],
    };
    const lines = formatRebuild({ image: "x", platforms: [p], passed: false }).split("\n");
    assert.equal(
      lines[1],
      `  toolchain: built with lock sha256:555555555555… (gcc-12 12.2.0-14+deb12u1, binutils-x86-64-linux-gnu 2.40-2, musl-dev 1.2.3-1), rebuilding with lock sha256:555555555555… (gcc-12 12.2.0-15, binutils-x86-64-linux-gnu 2.40-2, musl-dev 1.2.3-1)`,
    );
    assert.equal(lines[2], "  toolchain compiler: built with gcc-12 12.2.0-14+deb12u1, rebuilt with gcc-12 12.2.0-15");
    assert.match(lines[3]!, /^ {2}input configs\/kimigayo\.yml changed/);
    assert.match(
      lines[4]!,
      new RegExp(
        `^  layer 0: the same tar \\(diff_id sha256:b{64}\\) compressed to other bytes: this rebuild compresses with ${LAYER_COMPRESSOR_ID.replace(/[.+-]/g, "\\$&")}$`,
      ),
    );
  });
});
