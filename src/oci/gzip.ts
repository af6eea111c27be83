/**
 * Deterministic gzip for layer blobs. zlib's deflate output depends only on the input bytes, the
 * level and the zlib version, but the gzip header also carries a modification time and an
 * operating-system byte. We fix both:
 * - MTIME (bytes 4..7) = 0, meaning "no time stamp";
 * - OS (byte 9) = 255, "unknown", the value Go's compress/gzip writes (so does BuildKit), rather
 *   than whatever the zlib build was compiled for (3 on Unix, 19 on macOS, 10 on Windows).
 * No optional header fields (FLG = 0), so there is no header CRC to update. XFL (byte 8) follows
 * from the level: 2 for level 9.
 *
 * Caveat: Node bundles Chromium's zlib, whose deflate picks matches with its own hash, so its
 * output differs from canonical zlib's (measured: 1,050,968 vs 1,027,641 B for a 1.98 MB busybox
 * tar). The same zlib build gives the same bytes on any CPU; another build (another Node release)
 * may not. The layer digest then changes, the diff_id (digest of the tar) does not. The image
 * stage records process.versions.zlib for that reason.
 */
import { gzipSync } from "node:zlib";
import { digestOf } from "./digest.js";

export const GZIP_LEVEL = 9;
export const GZIP_OS_UNKNOWN = 255;

export interface GzipLayer {
  data: Buffer;
  /** Digest of the compressed bytes: the layer's descriptor digest. */
  digest: string;
  size: number;
  /** Digest of the uncompressed tar: the image config's rootfs.diff_ids entry. */
  diffId: string;
}

export function gzipLayer(tar: Uint8Array): GzipLayer {
  const data = gzipSync(tar, { level: GZIP_LEVEL });
  if (data[0] !== 0x1f || data[1] !== 0x8b || data[3] !== 0) throw new Error("internal: zlib wrote an unexpected gzip header");
  data.writeUInt32LE(0, 4);
  data[9] = GZIP_OS_UNKNOWN;
  return { data, digest: digestOf(data), size: data.length, diffId: digestOf(tar) };
}
