/**
 * rebuild --verify's comparison: the toolchain first (what the provenance recorded against what
 * this rebuild uses), then each layer's diff_id and digest, naming the compressor when only the
 * compressed bytes differ.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatRebuild } from "../../src/cli/rebuild.js";
import { LAYER_COMPRESSOR_ID } from "../../src/oci/gzip.js";
import { compareLayers, toolchainDifferences, type PlatformRebuild } from "../../src/verify/rebuild.js";

const T = (over: Record<string, string> = {}) => ({
  lock: `sha256:${"5".repeat(64)}`,
  compiler: "gcc-12 12.2.0-14+deb12u1",
  binutils: "binutils-x86-64-linux-gnu 2.40-2",
  musl: "musl-dev 1.2.3-1",
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

  it("prints the toolchain before the inputs, the layers and the files", () => {
    const p: PlatformRebuild = {
      platform: "linux/amd64",
      published: "sha256:p",
      rebuilt: "sha256:r",
      match: false,
      inputs: [{ file: "configs/kimigayo.yml", recorded: "1", now: "2" }],
      toolchain: { recorded: T(), now: T({ compiler: "gcc-12 12.2.0-15" }), differs: ["compiler"] },
      layers: compareLayers([L("a", "b")], [L("c", "b")], LAYER_COMPRESSOR_ID),
      files: [],
    };
    const lines = formatRebuild({ image: "x", platforms: [p], passed: false }).split("\n");
    assert.equal(lines[1], "  toolchain compiler: built with gcc-12 12.2.0-14+deb12u1, rebuilt with gcc-12 12.2.0-15");
    assert.match(lines[2]!, /^ {2}input configs\/kimigayo\.yml changed/);
    assert.match(
      lines[3]!,
      new RegExp(
        `^  layer 0: the same tar \\(diff_id sha256:b{64}\\) compressed to other bytes: this rebuild compresses with ${LAYER_COMPRESSOR_ID.replace(/[.+-]/g, "\\$&")}$`,
      ),
    );
  });
});
