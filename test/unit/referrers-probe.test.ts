/**
 * The referrers API probe: 200 with an index is the API; 404 (the spec's answer), 405 and 501
 * (older registries and proxies) mean the fallback tag; anything else is an error, not a guess.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "../../src/oci/registry.js";

const DIGEST = `sha256:${"a".repeat(64)}`;
let server: Server;
let status = 404;
let registry = "";

describe("RegistryClient.getReferrers: which answers mean the registry has no referrers API", () => {
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === "/v2/") return void res.writeHead(200, { "docker-distribution-api-version": "registry/2.0" }).end("{}");
      if (req.url === `/v2/kimigayo/referrers/${DIGEST}`) {
        if (status === 200)
          return void res
            .writeHead(200, { "content-type": "application/vnd.oci.image.index.v1+json" })
            .end(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] }));
        return void res
          .writeHead(status, { "content-type": "application/json" })
          .end(JSON.stringify({ errors: [{ code: "UNSUPPORTED", message: "no" }] }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const client = () => new RegistryClient(registry, { env: {}, dockerConfig: "/nonexistent/config.json" });

  it("200 with an index: the API, its entries", async () => {
    status = 200;
    assert.deepEqual((await client().getReferrers("kimigayo", DIGEST))?.manifests, []);
  });

  for (const s of [404, 405, 501]) {
    it(`${s}: no API (the fallback tag applies)`, async () => {
      status = s;
      assert.equal(await client().getReferrers("kimigayo", DIGEST), undefined);
    });
  }

  it("400 is an error naming the registry's answer, never taken for 'no API'", async () => {
    status = 400;
    await assert.rejects(client().getReferrers("kimigayo", DIGEST), /UNSUPPORTED|400/);
  });
});
