/**
 * A small in-memory OCI registry in this process, with the referrers API (distribution-spec
 * v1.1: GET /v2/<name>/referrers/<digest>), which the registry here (distribution 2.8) lacks.
 * Enough for the client: ping, blob HEAD/GET and monolithic or chunked upload, manifest
 * HEAD/GET/PUT (OCI-Subject answered for a manifest with a subject), tag listing and referrers.
 * It records every request, so a test can check that no fallback tag was written.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface MemoryRegistry {
  /** host:port, to use as the registry name. */
  registry: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

interface StoredManifest {
  mediaType: string;
  bytes: Buffer;
}

const digestOf = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code, message }] }));
}

export async function startMemoryRegistry(): Promise<MemoryRegistry> {
  const blobs = new Map<string, Buffer>();
  const uploads = new Map<string, Buffer>();
  /** repo -> ref (tag or digest) -> manifest */
  const manifests = new Map<string, Map<string, StoredManifest>>();
  const requests: MemoryRegistry["requests"] = [];
  const repo = (name: string) => {
    let m = manifests.get(name);
    if (!m) manifests.set(name, (m = new Map()));
    return m;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://x");
      const method = req.method ?? "GET";
      requests.push({ method, path: url.pathname });
      const data = await body(req);
      if (url.pathname === "/v2/" || url.pathname === "/v2") return res.writeHead(200, { "content-type": "application/json" }).end("{}");
      const m = /^\/v2\/(.+?)\/(blobs\/uploads|blobs|manifests|referrers|tags)\/(.*)$/.exec(url.pathname);
      if (!m) return error(res, 404, "NAME_UNKNOWN", "no route");
      const [, name, kind, rest] = m as unknown as [string, string, string, string];
      if (kind === "blobs/uploads") {
        if (method === "POST" && rest === "") {
          const id = randomUUID();
          uploads.set(id, Buffer.alloc(0));
          return res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${id}`, "content-length": "0" }).end();
        }
        const buf = uploads.get(rest);
        if (!buf) return error(res, 404, "BLOB_UPLOAD_UNKNOWN", "unknown upload");
        const all = Buffer.concat([buf, data]);
        if (method === "PATCH") {
          uploads.set(rest, all);
          return res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${rest}`, "content-length": "0" }).end();
        }
        if (method === "PUT") {
          const want = url.searchParams.get("digest") ?? "";
          if (digestOf(all) !== want) return error(res, 400, "DIGEST_INVALID", `content is ${digestOf(all)}`);
          uploads.delete(rest);
          blobs.set(want, all);
          return res.writeHead(201, { "docker-content-digest": want, location: `/v2/${name}/blobs/${want}`, "content-length": "0" }).end();
        }
      }
      if (kind === "blobs") {
        const b = blobs.get(rest);
        if (!b) return error(res, 404, "BLOB_UNKNOWN", rest);
        res.writeHead(200, { "content-length": String(b.length), "docker-content-digest": rest });
        return res.end(method === "HEAD" ? undefined : b);
      }
      if (kind === "manifests") {
        if (method === "PUT") {
          const digest = digestOf(data);
          const mediaType = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
          const stored = { mediaType, bytes: data };
          repo(name).set(digest, stored);
          if (rest !== digest) repo(name).set(rest, stored);
          const subject = (JSON.parse(data.toString()) as { subject?: { digest: string } }).subject?.digest;
          return res
            .writeHead(201, { "docker-content-digest": digest, "content-length": "0", ...(subject ? { "oci-subject": subject } : {}) })
            .end();
        }
        const s = repo(name).get(rest);
        if (!s) return error(res, 404, "MANIFEST_UNKNOWN", rest);
        res.writeHead(200, {
          "content-type": s.mediaType,
          "content-length": String(s.bytes.length),
          "docker-content-digest": digestOf(s.bytes),
        });
        return res.end(method === "HEAD" ? undefined : s.bytes);
      }
      if (kind === "referrers" && method === "GET") {
        const list = [];
        const seen = new Set<string>();
        for (const s of repo(name).values()) {
          const d = digestOf(s.bytes);
          if (seen.has(d)) continue;
          seen.add(d);
          const man = JSON.parse(s.bytes.toString()) as {
            subject?: { digest: string };
            artifactType?: string;
            config?: { mediaType: string };
            annotations?: Record<string, string>;
          };
          if (man.subject?.digest !== rest) continue;
          list.push({
            mediaType: s.mediaType,
            digest: d,
            size: s.bytes.length,
            artifactType: man.artifactType ?? man.config?.mediaType,
            ...(man.annotations ? { annotations: man.annotations } : {}),
          });
        }
        res.writeHead(200, { "content-type": "application/vnd.oci.image.index.v1+json" });
        return res.end(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: list }));
      }
      return error(res, 405, "UNSUPPORTED", `${method} ${url.pathname}`);
    })().catch((err: Error) => {
      if (!res.headersSent) error(res, 500, "UNKNOWN", err.message);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    registry: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
