/**
 * The files an image's layers hold, engine-neutral: path, type, size, mode and sha256 (a
 * symlink's target instead of content). A hard link is listed as the file it shares data with,
 * so two archives of the same tree compare equal whichever name of a link group holds the data
 * (BuildKit's re-tar puts the lexically first name there, the native rootfs tar the binary).
 */
import { gunzipSync } from "node:zlib";
import { sha256 } from "../lib/hash.js";
import { readTar } from "../lib/tar.js";
import { readBlob, readJsonBlob } from "./layout.js";
import { OCI } from "./schema.js";

export interface LayerFile {
  path: string;
  type: "dir" | "file" | "symlink";
  /** Permission bits (file and dir). */
  mode?: number;
  size: number;
  /** sha256 of a file's content. */
  sha256?: string;
  /** A symlink's target. */
  target?: string;
}

/** The files of one uncompressed layer tar, sorted by path. */
export function tarFiles(tar: Uint8Array): LayerFile[] {
  const entries = readTar(tar);
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const files = entries.map((e): LayerFile => {
    switch (e.type) {
      case "dir":
        return { path: e.path, type: "dir", mode: e.mode & 0o7777, size: 0 };
      case "symlink":
        return { path: e.path, type: "symlink", size: 0, target: e.target };
      case "file":
        return { path: e.path, type: "file", mode: e.mode & 0o7777, size: e.data.length, sha256: sha256(Buffer.from(e.data)) };
      case "hardlink": {
        const target = byPath.get(e.target);
        if (target?.type !== "file") throw new Error(`tar: hard link ${e.path} -> ${e.target}, which is not a regular file before it`);
        return {
          path: e.path,
          type: "file",
          mode: target.mode & 0o7777,
          size: target.data.length,
          sha256: sha256(Buffer.from(target.data)),
        };
      }
    }
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The files of a platform manifest's layers in an OCI layout (gzip or plain tar layers), in order, later layers over earlier ones. */
export async function manifestFiles(layout: string, manifestDigest: string): Promise<LayerFile[]> {
  const manifest = await readJsonBlob(layout, manifestDigest, OCI.manifest);
  const merged = new Map<string, LayerFile>();
  for (const layer of manifest.layers) {
    const blob = await readBlob(layout, layer.digest);
    const tar = /gzip/.test(layer.mediaType) ? gunzipSync(blob) : blob;
    for (const f of tarFiles(tar)) merged.set(f.path, f);
  }
  return [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One line per path whose entry differs between `a` and `b` (empty: the same files). */
export function fileDifferences(a: readonly LayerFile[], b: readonly LayerFile[], names: readonly [string, string] = ["a", "b"]): string[] {
  const left = new Map(a.map((f) => [f.path, f]));
  const right = new Map(b.map((f) => [f.path, f]));
  const out: string[] = [];
  for (const path of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    const x = left.get(path);
    const y = right.get(path);
    if (!x) out.push(`${path}: only in ${names[1]}`);
    else if (!y) out.push(`${path}: only in ${names[0]}`);
    else if (JSON.stringify(x) !== JSON.stringify(y))
      out.push(`${path}: ${names[0]} ${JSON.stringify(x)}, ${names[1]} ${JSON.stringify(y)}`);
  }
  return out;
}
