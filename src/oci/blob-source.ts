/** Where blob bytes come from when pushing: read in ranges, so chunked uploads never hold a whole layer. */
import { open } from "node:fs/promises";
import { digestOf } from "./digest.js";

export interface BlobSource {
  digest: string;
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

export function bufferBlob(data: Uint8Array): BlobSource {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { digest: digestOf(buf), size: buf.length, read: async (offset, length) => buf.subarray(offset, offset + length) };
}

/** A blob in a file (e.g. an OCI layout's blobs/sha256/<hex>); the digest is trusted, the registry checks it. */
export function fileBlob(path: string, digest: string, size: number): BlobSource {
  return {
    digest,
    size,
    read: async (offset, length) => {
      const fh = await open(path, "r");
      try {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        if (bytesRead !== length)
          throw new Error(`${path}: expected ${length} bytes at offset ${offset}, read ${bytesRead} (file shorter than ${size} B?)`);
        return buf;
      } finally {
        await fh.close();
      }
    },
  };
}
