/**
 * @actions/cache's saveCache or restoreCache, in a process of its own (the library reads the
 * runner's variables from process.env), for tests of the cache service stand-in with the real
 * client. Run as `node --import tsx actions-cache-client.ts '<json>'` with
 * {op: "save" | "restore", paths, key, restoreKeys?}; prints `RESULT <json>` last.
 */
import * as cache from "@actions/cache";

const req = JSON.parse(process.argv[2] ?? "{}") as { op: string; paths: string[]; key: string; restoreKeys?: string[] };
const result =
  req.op === "save"
    ? { id: await cache.saveCache(req.paths, req.key) }
    : { matched: (await cache.restoreCache(req.paths, req.key, req.restoreKeys)) ?? null };
process.stdout.write(`RESULT ${JSON.stringify({ available: cache.isFeatureAvailable(), ...result })}\n`);
