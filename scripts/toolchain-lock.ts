/**
 * npm run toolchain:lock: regenerates configs/toolchain.lock.json from apt's package index and
 * prints what changed (nothing when the index still gives the locked versions).
 *   --check  exit 1 instead of writing when the lock would change
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { generateLock } from "../src/toolchain/generate.js";
import { LOCK_FILE, diffLocks, lockDigest, parseLock } from "../src/toolchain/lock.js";

const file = resolve(LOCK_FILE);
const before = existsSync(file) ? parseLock(readFileSync(file, "utf8"), file) : undefined;
const after = await generateLock();
const changes = diffLocks(before, after);
const text = `${JSON.stringify(after, null, 2)}\n`;
for (const line of changes) console.log(line);
const snapshotMoved = JSON.stringify(before?.snapshot) !== JSON.stringify(after.snapshot);
if (changes.length === 0) console.log(`${LOCK_FILE}: no package changed${snapshotMoved ? " (snapshot dates updated)" : ""}`);
if (process.argv.includes("--check")) process.exit(changes.length === 0 ? 0 : 1);
if (!before || changes.length > 0 || snapshotMoved) writeFileSync(file, text);
for (const host of ["amd64", "arm64"] as const)
  console.log(`${host} host: ${after.hosts[host].length} packages, ${lockDigest(after, host)}`);
