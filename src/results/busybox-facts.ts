/**
 * facts.json in a BusyBox cache entry (~/.cache/kimigayo/busybox/<key>/): what the compile found
 * out about the binary it left there (size, hash, applets, ELF facts), written once when the entry
 * is made and read back on every cache hit instead of compiling again.
 */
import { z } from "zod";
import { PLATFORMS } from "../config/schema.js";
import { readSaved, writeSaved } from "../lib/saved.js";

export const appletSchema = z.object({
  name: z.string().min(1),
  /** Install path without the leading slash, e.g. "bin/ls". */
  path: z.string().min(1),
});

export const busyboxFactsSchema = z.object({
  variant: z.string().min(1),
  platform: z.enum(PLATFORMS),
  busyboxVersion: z.string(),
  key: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 hex digits"),
  applets: z.array(appletSchema),
  elf: z.object({ machine: z.string(), static: z.boolean(), stripped: z.boolean() }),
  toolchain: z.string(),
  /** The lock's digest and the compiler, binutils, musl and kernel-header packages that made it. */
  toolchainPackages: z.record(z.string(), z.string()),
  buildSeconds: z.number().nonnegative(),
});

export type Applet = z.infer<typeof appletSchema>;
export type BusyboxFacts = z.infer<typeof busyboxFactsSchema>;

export const FACTS_FILE = "facts.json";

/** Reads a cache entry's facts.json; a bad one is a UsageError naming the file, the field and the entry to remove. */
export function readBusyboxFacts(file: string, entry: string): Promise<BusyboxFacts> {
  return readSaved(file, busyboxFactsSchema, {
    what: "the facts of a BusyBox cache entry",
    remedy: `remove the cache entry ${entry} and build again`,
  });
}

/** Writes a cache entry's facts.json. */
export function writeBusyboxFacts(file: string, facts: BusyboxFacts): Promise<string> {
  return writeSaved(file, facts);
}
