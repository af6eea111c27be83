/**
 * zstd sizes of a layer, next to the gzip size the registry stores today.
 *
 * Level 3, zstd's default and what BuildKit writes for `compression=zstd`. Node ≥ 22.15 (and the
 * node24 the action runs on) has zstd in node:zlib, which is used when present; on older Node
 * the WebAssembly build of the reference library (@bokuweb/zstd-wasm) is used. Both are libzstd,
 * so sizes agree to within what libzstd versions change. Neither present: the size is null with
 * the reason, never an estimate.
 */
import * as zlib from "node:zlib";

export const ZSTD_LEVEL = 3;

export type ZstdResult = { bytes: number; via: "node:zlib" | "@bokuweb/zstd-wasm" } | { bytes: null; missing: string };

interface ZlibWithZstd {
  zstdCompressSync?: (buf: Uint8Array, options?: { params?: Record<number, number> }) => Buffer;
  constants: Record<string, number>;
}

type Compressor = { via: "node:zlib" | "@bokuweb/zstd-wasm"; compress: (buf: Uint8Array) => number };

let compressor: Promise<Compressor | { missing: string }> | undefined;

async function loadCompressor(): Promise<Compressor | { missing: string }> {
  const z = zlib as unknown as ZlibWithZstd;
  const levelParam = z.constants.ZSTD_c_compressionLevel;
  if (typeof z.zstdCompressSync === "function" && levelParam !== undefined) {
    const compress = z.zstdCompressSync;
    return { via: "node:zlib", compress: (buf) => compress(buf, { params: { [levelParam]: ZSTD_LEVEL } }).length };
  }
  try {
    const wasm = await import("@bokuweb/zstd-wasm");
    await wasm.init();
    return { via: "@bokuweb/zstd-wasm", compress: (buf) => wasm.compress(buf, ZSTD_LEVEL).length };
  } catch (err) {
    return {
      missing: `Node ${process.versions.node} has no zstd in node:zlib (Node ≥ 22.15 has) and @bokuweb/zstd-wasm did not load (${(err as Error).message})`,
    };
  }
}

/** The zstd-compressed size of `buf` at level 3, or null and why. */
export async function zstdSize(buf: Uint8Array): Promise<ZstdResult> {
  compressor ??= loadCompressor();
  const c = await compressor;
  if ("missing" in c) return { bytes: null, missing: c.missing };
  return { bytes: c.compress(buf), via: c.via };
}
