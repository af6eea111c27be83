/**
 * Deterministic gzip for layer blobs, the same bytes on any host and any Node.
 *
 * The deflate is pako 2.1.0 (pinned exactly in package.json), a JavaScript port of canonical
 * zlib: its level-9 output is byte for byte what zlib's own `deflate` writes (the test compares it
 * with Python's zlib, the system library). node:zlib is not used for layers: Node bundles
 * Chromium's zlib, whose deflate picks matches with its own hash, so its output depends on which
 * Node build runs (official and NodeSource builds bundle Chromium's; Debian's nodejs links the
 * system zlib), and the layer digest with it. Chromium's is also larger: 1,050,940 vs 1,027,565 B
 * for a 1.98 MB busybox binary.
 *
 * The gzip header carries a modification time and an operating-system byte; both are fixed:
 * - MTIME (bytes 4..7) = 0, meaning "no time stamp";
 * - OS (byte 9) = 255, "unknown", the value Go's compress/gzip writes (so does BuildKit).
 * No optional header fields (FLG = 0), so there is no header CRC to update. XFL (byte 8) follows
 * from the level: 2 for level 9.
 */
import { gzip } from "pako";
import { digestOf } from "./digest.js";

const GZIP_LEVEL = 9;
const GZIP_OS_UNKNOWN = 255;
/** The layer compressor, as build results and provenance name it (its version is checked against package.json by a test). */
export const LAYER_COMPRESSOR = { name: "pako", version: "2.1.0", format: "gzip", level: GZIP_LEVEL } as const;
export const LAYER_COMPRESSOR_ID = `${LAYER_COMPRESSOR.name} ${LAYER_COMPRESSOR.version} ${LAYER_COMPRESSOR.format} -${LAYER_COMPRESSOR.level}`;

export interface GzipLayer {
  data: Buffer;
  /** Digest of the compressed bytes: the layer's descriptor digest. */
  digest: string;
  size: number;
  /** Digest of the uncompressed tar: the image config's rootfs.diff_ids entry. */
  diffId: string;
}

export function gzipLayer(tar: Uint8Array): GzipLayer {
  const out = gzip(tar, { level: GZIP_LEVEL });
  const data = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  if (data[0] !== 0x1f || data[1] !== 0x8b || data[3] !== 0) throw new Error("internal: pako wrote an unexpected gzip header");
  data.writeUInt32LE(0, 4);
  data[9] = GZIP_OS_UNKNOWN;
  return { data, digest: digestOf(data), size: data.length, diffId: digestOf(tar) };
}
