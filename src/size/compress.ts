/**
 * zstd sizes of a layer, next to the gzip size the registry stores today.
 *
 * Level 3, zstd's default and what BuildKit writes for `compression=zstd`. Always the WebAssembly
 * build of the reference library, @bokuweb/zstd-wasm (pinned exactly in package.json), so the
 * figure is the same under every Node: node:zlib's zstd (Node ≥ 22.15) is a libzstd of Node's
 * choosing and gave other sizes (301.4 vs 301.6 KB for the standard amd64 layer). When the wasm
 * cannot load, the size is null with the reason, never an estimate.
 */
const ZSTD_LEVEL = 3;
/** The pinned zstd, as reports name it (its version is checked against package.json by a test). */
export const ZSTD_COMPRESSOR = { name: "@bokuweb/zstd-wasm", version: "0.0.27", level: ZSTD_LEVEL } as const;

export type ZstdResult = { bytes: number; via: "@bokuweb/zstd-wasm" } | { bytes: null; missing: string };

type Compressor = { compress: (buf: Uint8Array) => number };

let compressor: Promise<Compressor | { missing: string }> | undefined;

async function loadCompressor(): Promise<Compressor | { missing: string }> {
  try {
    const wasm = await import("@bokuweb/zstd-wasm");
    await wasm.init();
    return { compress: (buf) => wasm.compress(buf, ZSTD_LEVEL).length };
  } catch (err) {
    return { missing: `${ZSTD_COMPRESSOR.name} did not load (${(err as Error).message})` };
  }
}

/** The zstd-compressed size of `buf` at level 3, or null and why. */
export async function zstdSize(buf: Uint8Array): Promise<ZstdResult> {
  compressor ??= loadCompressor();
  const c = await compressor;
  if ("missing" in c) return { bytes: null, missing: c.missing };
  return { bytes: c.compress(buf), via: ZSTD_COMPRESSOR.name };
}
