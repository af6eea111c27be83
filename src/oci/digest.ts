/** Content digests as OCI writes them: "sha256:<64 lowercase hex>". Only sha256 is produced or accepted. */
import { sha256 } from "../lib/hash.js";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function digestOf(data: Uint8Array | string): string {
  return `sha256:${sha256(data)}`;
}

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

/** The hex part of a digest, after checking its form (it becomes a file name under blobs/). */
export function digestHex(digest: string): string {
  if (!isDigest(digest)) throw new Error(`${JSON.stringify(digest)} is not a sha256 digest (expected sha256:<64 lowercase hex>)`);
  return digest.slice("sha256:".length);
}

/** Throws when `data` does not hash to `expected`; `what` names the content in the message. */
export function verifyDigest(data: Uint8Array, expected: string, what: string): void {
  const actual = digestOf(data);
  if (actual !== expected) throw new Error(`${what}: content digest ${actual} does not match the expected ${expected}`);
}
