/**
 * An unreachable registry through the real CLI, for each network failure that can exist on the
 * loopback network (127.0.0.0/8, no DNS): a closed port (connection refused), a port fetch
 * blocks (the Fetch standard's bad ports), a port that accepts and never answers (no answer
 * within the per-attempt timeout), and a port that accepts and resets. verify, rebuild and merge
 * each name the registry (host:port) and the reason, and exit 1 (README, exit codes: an
 * unreachable service is not bad input); never "fetch failed" alone.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startLocalSigstore, type LocalSigstore } from "../support/sigstore.js";
import { cliAsync } from "./fixture.js";

/** Not 127.0.0.1: any address of 127.0.0.0/8 is loopback, reached without DNS. */
const HOST = "127.0.0.7";

function listenOn(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, HOST, () => resolve((server.address() as { port: number }).port)));
}

let work = "";
let sigstore: LocalSigstore;
let trustedRoot = "";
const servers: Server[] = [];
const sockets: Socket[] = [];
const registries: Record<string, string> = {};

before(async () => {
  work = mkdtempSync(join(tmpdir(), "kimigayo-unreachable-"));
  sigstore = await startLocalSigstore();
  trustedRoot = join(work, "trusted_root.json");
  writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  // A closed port: bound once for a free number, then closed.
  const probe = createServer();
  const closed = await listenOn(probe);
  await new Promise((r) => probe.close(r));
  registries.refused = `${HOST}:${closed}`;
  // 6000 (X11) is on the Fetch standard's list of bad ports: fetch refuses it without connecting.
  registries.blocked = `${HOST}:6000`;
  const stall = createServer((s) => sockets.push(s));
  const reset = createServer((s) => s.resetAndDestroy());
  servers.push(stall, reset);
  registries.stall = `${HOST}:${await listenOn(stall)}`;
  registries.reset = `${HOST}:${await listenOn(reset)}`;
});
after(async () => {
  for (const s of sockets) s.destroy();
  for (const s of servers) await new Promise((r) => s.close(r));
  await sigstore?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const classes: { name: string; key: string; reason: RegExp }[] = [
  { name: "a closed port", key: "refused", reason: /connection refused \(nothing listens on that port\) \(ECONNREFUSED\)/ },
  {
    name: "a port fetch blocks",
    key: "blocked",
    reason: /the port is blocked: fetch refuses it \(the Fetch standard's list of bad ports\)/,
  },
  { name: "a port that never answers", key: "stall", reason: /no answer within 0\.3 s \(per-attempt timeout, KIMIGAYO_REGISTRY_TIMEOUT\)/ },
  { name: "a port that resets the connection", key: "reset", reason: /connection reset by the other side \(ECONNRESET\)/ },
];

/** A digest file for `registry`, as publish --by-digest writes it (merge checks the set, then the registry). */
function digestFile(registry: string): string {
  const dir = join(work, `digests-${registry.replace(/[:.]/g, "-")}`);
  mkdirSync(dir, { recursive: true });
  const f = join(dir, "minimal-amd64.json");
  writeFileSync(
    f,
    JSON.stringify({
      image: `${registry}/kimigayo`,
      variant: "minimal",
      platform: "linux/amd64",
      digest: `sha256:${"a".repeat(64)}`,
      size: 1000,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      annotations: { "org.opencontainers.image.version": "2.1.0" },
    }),
  );
  return f;
}

const commands: { name: string; argv: (registry: string) => string[] }[] = [
  {
    name: "verify",
    argv: (r) => ["verify", `${r}/kimigayo:2.1.0`, "--repository", "o/kimigayo", "--trusted-root", trustedRoot],
  },
  { name: "rebuild", argv: (r) => ["rebuild", "--verify", `${r}/kimigayo:2.1.0`, "--platform", "linux/amd64"] },
  { name: "merge", argv: (r) => ["merge", "--image", `${r}/kimigayo`, "--version", "2.1.0", "--digests", digestFile(r)] },
];

describe("an unreachable registry is named with the reason, exit 1", () => {
  for (const cmd of commands) {
    for (const c of classes) {
      it(`${cmd.name}: ${c.name}`, async () => {
        const registry = registries[c.key]!;
        const r = await cliAsync(cmd.argv(registry), { KIMIGAYO_REGISTRY_TIMEOUT: "0.3" });
        assert.equal(r.code, 1, r.stderr);
        const error = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
        assert.equal(error.length, 1, r.stderr);
        assert.match(error[0]!, new RegExp(`http://${registry.replace(/\./g, "\\.")}/v2/`), "the registry's address");
        if (c.key !== "stall") assert.match(error[0]!, new RegExp(`registry ${registry.replace(/\./g, "\\.")} cannot be reached`));
        assert.match(error[0]!, c.reason);
        assert.doesNotMatch(r.stderr, /fetch failed|Cannot read properties|\bat .*\.(ts|js):\d+/);
      });
    }
  }
});
