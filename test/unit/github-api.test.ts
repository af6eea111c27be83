/**
 * The GitHub stand-in itself: it refuses what GitHub's OpenAPI description does not allow, and its
 * own answers match the description's response schemas.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  assertAllValid,
  loadGitHubOpenApi,
  permissionNeeded,
  SchemaValidator,
  startGitHubStandIn,
  tokenPermissions,
  type GitHubStandIn,
  type TokenPermissions,
} from "../support/github-api.js";

const TOKEN = "ghs_standin_0123456789";
const json = { authorization: `token ${TOKEN}`, "content-type": "application/json" };

describe("GitHub stand-in: the OpenAPI description", () => {
  it("is read once per process and indexes every operation", (t) => {
    const api = loadGitHubOpenApi();
    assert.match(api.file, /@octokit\/openapi\/generated\/api\.github\.com\.json$/);
    assert.ok(api.operations > 1000, `${api.operations} operations`);
    assert.equal(loadGitHubOpenApi(), api);
    t.diagnostic(`${api.file}: ${api.operations} operations, read and indexed in ${api.loadMs} ms`);
  });

  it("samples of the response schemas the fakes build on are valid", () => {
    const api = loadGitHubOpenApi();
    const v = new SchemaValidator(api);
    for (const name of ["issue-comment", "release", "release-asset", "pull-request", "check-run", "simple-user"]) {
      assert.deepEqual(v.validate(api.schema(name), v.sample(api.schema(name)), name), [], name);
    }
  });
});

describe("GitHub stand-in: the schema validator", () => {
  const v = new SchemaValidator(loadGitHubOpenApi());
  const check = (schema: object, value: unknown, closed = false) => v.validate(schema, value, "x", closed);

  it("checks types, type arrays and nullable", () => {
    assert.deepEqual(check({ type: "integer" }, 3), []);
    assert.match(check({ type: "integer" }, 3.5)[0]!, /expected integer, got number/);
    assert.deepEqual(check({ type: ["string", "null"] }, null), []);
    assert.deepEqual(check({ type: "string", nullable: true }, null), []);
    assert.match(check({ type: "string" }, null)[0]!, /expected string, got null/);
    assert.match(check({ type: "boolean" }, "true")[0]!, /expected boolean, got string/);
  });

  it("checks objects: required, properties, additionalProperties, closed request bodies", () => {
    const s = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    assert.deepEqual(check(s, { a: "x", b: 1 }), []); // GitHub's schemas are open...
    assert.match(check(s, { a: "x", b: 1 }, true)[0]!, /x\.b: is not a known property/); // ...requests are read closed
    assert.match(check(s, {})[0]!, /x\.a: is required/);
    assert.match(check({ ...s, additionalProperties: false }, { a: "x", b: 1 })[0]!, /x\.b: is not a known property/);
    assert.match(check({ type: "object", additionalProperties: { type: "integer" } }, { k: "no" })[0]!, /x\.k: expected integer/);
  });

  it("checks enum, strings, numbers and arrays", () => {
    assert.match(check({ type: "string", enum: ["a", "b"] }, "c")[0]!, /"c" is not one of "a", "b"/);
    assert.match(check({ type: "string", minLength: 2 }, "a")[0]!, /shorter than 2/);
    assert.match(check({ type: "string", maxLength: 2 }, "abc")[0]!, /longer than 2/);
    assert.match(check({ type: "string", pattern: "^v\\d+$" }, "x1")[0]!, /does not match/);
    assert.match(check({ type: "string", format: "date-time" }, "yesterday")[0]!, /date-time/);
    assert.deepEqual(check({ type: "string", format: "date-time" }, "2026-01-02T03:04:05Z"), []);
    assert.match(check({ type: "string", format: "uri" }, "not a uri")[0]!, /is not a URI/);
    assert.match(check({ type: "integer", minimum: 1 }, 0)[0]!, /below the minimum/);
    assert.match(check({ type: "integer", maximum: 100 }, 101)[0]!, /above the maximum/);
    assert.match(check({ type: "array", items: { type: "string" }, maxItems: 1 }, ["a", 2])[0]!, /more than 1 items/);
    assert.match(check({ type: "array", items: { type: "string" } }, ["a", 2])[0]!, /x\[1\]: expected string/);
  });

  it("checks oneOf, anyOf and allOf", () => {
    const one = { oneOf: [{ type: "string" }, { type: "integer" }] };
    assert.deepEqual(check(one, 1), []);
    assert.match(check(one, true)[0]!, /matches none of the 2 oneOf/);
    const all = { allOf: [{ type: "object", properties: { a: { type: "string" } } }, { required: ["b"] }] };
    assert.match(check(all, { a: "x" })[0]!, /x\.b: is required/);
    assert.deepEqual(check(all, { a: "x", b: 1 }, true), []); // names from allOf parts are known
    const any = { anyOf: [{ required: ["a"] }, { required: ["b"] }] };
    assert.match(check(any, {})[0]!, /anyOf/);
  });

  it("compiles each schema of the description once, and reads nullable as OpenAPI 3.0 means it", () => {
    const api = loadGitHubOpenApi();
    assert.equal(v.compile(api.schema("release")), v.compile(api.schema("release")));
    assert.notEqual(v.compile(api.schema("release"), true), v.compile(api.schema("release")));
    assert.deepEqual(check({ type: "string", enum: ["a"], nullable: true }, null), []);
    assert.match(check({ type: "string", enum: ["a"], nullable: true }, "b")[0]!, /"b" is not one of "a", null/);
    const nullableRef = { nullable: true, allOf: [{ $ref: "#/components/schemas/simple-user" }] };
    assert.deepEqual(check(nullableRef, null), []);
    assert.match(check(nullableRef, { login: "x" }).join("\n"), /x\.id: is required/);
    assert.match(check({ type: "integer" }, null)[0]!, /expected integer, got null/);
  });

  it("resolves $ref into the description and finds a bad release object", () => {
    const api = loadGitHubOpenApi();
    const release = v.sample(api.schema("release")) as Record<string, unknown>;
    assert.deepEqual(v.validate({ $ref: "#/components/schemas/release" }, release, "release"), []);
    const bad = { ...release, prerelease: "yes", assets: [{ name: 1 }] };
    const errors = v.validate({ $ref: "#/components/schemas/release" }, bad, "release");
    assert.ok(errors.includes("release.prerelease: expected boolean, got string"), errors.join("\n"));
    assert.ok(errors.includes("release.assets[0].id: is required"), errors.join("\n"));
  });
});

describe("GitHub stand-in: refusing requests", () => {
  let si: GitHubStandIn;
  before(async () => {
    si = await startGitHubStandIn({ token: TOKEN });
  });
  after(async () => {
    await si.close();
  });
  const last = () => si.requests.at(-1)!;

  it("refuses an unknown enum value with 422 and records it invalid", async () => {
    const res = await fetch(`${si.url}/repos/o/r/releases`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ tag_name: "v1", make_latest: "maybe" }),
    });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { message: string; errors: { field: string }[] };
    assert.match(body.message, /body\.make_latest: "maybe" is not one of "true", "false", "legacy"/);
    assert.equal(body.errors[0]?.field, "body.make_latest");
    assert.equal(last().operationId, "repos/create-release");
    assert.equal(last().valid, false);
    assert.equal(si.state.releases.length, 0, "nothing was created");
    assert.throws(() => assertAllValid(si), /make_latest/);
  });

  it("refuses a missing required field, a wrong type and an unknown property", async () => {
    for (const [path, body, reason] of [
      ["/repos/o/r/issues/1/comments", {}, /body\.body: is required/],
      ["/repos/o/r/releases", { tag_name: "v1", prerelease: "yes" }, /body\.prerelease: expected boolean, got string/],
      ["/repos/o/r/releases", { tag_name: "v1", pre_release: true }, /body\.pre_release: is not a known property/],
    ] as const) {
      const res = await fetch(`${si.url}${path}`, { method: "POST", headers: json, body: JSON.stringify(body) });
      assert.equal(res.status, 422, path);
      assert.equal(last().valid, false);
      assert.match(last().errors.join("\n"), reason);
    }
  });

  it("never takes anything: nested objects of a body are read closed and checked too", async () => {
    const sha = "c0ffee".padEnd(40, "0");
    const run = (output: unknown, extra: object = {}) =>
      fetch(`${si.url}/repos/o/r/check-runs`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name: "size", head_sha: sha, output, ...extra }),
      });
    for (const [output, extra, reason] of [
      [{ title: "t", summary: "s", titel: "typo" }, {}, /body\.output\.titel: is not a known property/],
      [{ title: "t" }, {}, /body\.output\.summary: is required/],
      [{ title: 1, summary: "s" }, {}, /body\.output\.title: expected string, got integer/],
      [
        { title: "t", summary: "s", annotations: [{ path: "a", start_line: "1" }] },
        {},
        /body\.output\.annotations\[0\]\.start_line: expected integer, got string/,
      ],
      [{ title: "t", summary: "s" }, { started_at: "yesterday" }, /body\.started_at: "yesterday" is not an ISO 8601 date-time/],
      [{ title: "t", summary: "s" }, { conclusion: "great" }, /body\.conclusion: "great" is not one of/],
      ["not an object", {}, /body\.output: expected object, got string/],
    ] as const) {
      const before = si.state.checkRuns.length;
      const res = await run(output, extra);
      assert.equal(res.status, 422, JSON.stringify(output));
      assert.equal(last().valid, false);
      assert.match(last().errors.join("\n"), reason);
      assert.equal(si.state.checkRuns.length, before, "nothing was created");
    }
    // The same request, well-formed, is taken.
    const res = await run({ title: "t", summary: "s" });
    assert.equal(res.status, 201);
    assert.equal(last().valid, true);
  });

  it("refuses a body that is no object at all, and a body where none is taken", async () => {
    let res = await fetch(`${si.url}/repos/o/r/releases`, { method: "POST", headers: json, body: "[]" });
    assert.equal(res.status, 422);
    assert.match(last().errors.join(), /body: expected object, got array/);
    res = await fetch(`${si.url}/repos/o/r/releases/1`, { method: "DELETE", headers: json, body: "{}" });
    assert.equal(res.status, 422);
    assert.match(last().errors.join(), /takes no request body/);
  });

  it("refuses bad path and query parameters", async () => {
    let res = await fetch(`${si.url}/repos/o/r/issues/abc/comments`, { headers: json });
    assert.equal(res.status, 422);
    assert.match(last().errors.join(), /path\.issue_number: expected integer, got string/);
    res = await fetch(`${si.url}/repos/o/r/issues/1/comments?per_page=lots`, { headers: json });
    assert.equal(res.status, 422);
    assert.match(last().errors.join(), /query\.per_page: expected integer/);
    res = await fetch(`${si.url}/repos/o/r/issues/1/comments?perpage=10`, { headers: json });
    assert.equal(res.status, 422);
    assert.match(last().errors.join(), /query\.perpage: not a parameter of issues\/list-comments/);
    res = await fetch(`${si.url}/uploads/repos/o/r/releases/1/assets`, {
      method: "POST",
      headers: { ...json, "content-type": "text/plain" },
      body: "x",
    });
    assert.equal(res.status, 422);
    assert.match(last().errors.join(), /query\.name: is required/);
  });

  it("answers an unknown path or method with 404, recorded invalid", async () => {
    let res = await fetch(`${si.url}/repos/o/r/no-such-thing`, { headers: json });
    assert.equal(res.status, 404);
    assert.equal(last().valid, false);
    assert.equal(last().operationId, undefined);
    assert.match(last().errors[0]!, /no path \/repos\/o\/r\/no-such-thing/);
    res = await fetch(`${si.url}/repos/o/r/releases/1`, { method: "POST", headers: json, body: "{}" });
    assert.equal(res.status, 404);
    assert.match(last().errors[0]!, /no operation POST/);
  });

  it("serves uploads only under the uploads root, and the API only under the API root", async () => {
    let res = await fetch(`${si.url}/repos/o/r/releases/1/assets?name=a`, {
      method: "POST",
      headers: { ...json, "content-type": "text/plain" },
      body: "x",
    });
    assert.equal(res.status, 404);
    assert.match(last().errors[0]!, /no operation POST .* on the API root/);
    res = await fetch(`${si.uploadsUrl}/repos/o/r/releases`, { headers: json });
    assert.equal(res.status, 404);
    assert.match(last().errors[0]!, /uploads\.github\.com/);
  });

  it("refuses requests without the token, and bodies that are not JSON", async () => {
    let res = await fetch(`${si.url}/repos/o/r/releases`);
    assert.equal(res.status, 401);
    assert.match(last().errors[0]!, /authorization: header missing/);
    res = await fetch(`${si.url}/repos/o/r/releases`, { headers: { authorization: "token wrong" } });
    assert.equal(res.status, 401);
    assert.equal(last().valid, false);
    res = await fetch(`${si.url}/repos/o/r/releases`, { method: "POST", headers: json, body: "{tag_name" });
    assert.equal(res.status, 400);
    assert.equal(last().valid, false);
  });

  it("picks the most specific path template", async () => {
    const res = await fetch(`${si.url}/repos/o/r/releases/latest`, { headers: json });
    assert.equal(res.status, 404); // no release yet: answered by the fake, not refused
    assert.equal(last().operationId, "repos/get-latest-release");
    assert.equal(last().valid, true);
  });
});

describe("GitHub stand-in: answering", () => {
  it("pages lists with Link headers, as GitHub does", async () => {
    const si = await startGitHubStandIn();
    try {
      for (let i = 0; i < 5; i++) si.seedComment({ owner: "o", repo: "r", issue_number: 7, body: `c${i}` });
      const res = await fetch(`${si.url}/repos/o/r/issues/7/comments?per_page=2&page=2`, { headers: json });
      assert.equal(res.status, 200);
      const page = (await res.json()) as { body: string }[];
      assert.deepEqual(
        page.map((c) => c.body),
        ["c2", "c3"],
      );
      const link = res.headers.get("link") ?? "";
      assert.match(link, /page=3>; rel="next"/);
      assert.match(link, /page=1>; rel="prev"/);
      assertAllValid(si);
    } finally {
      await si.close();
    }
  });

  it("answers pulls.get and check runs with schema-valid bodies", async () => {
    const si = await startGitHubStandIn();
    try {
      const sha = "c0ffee".padEnd(40, "0");
      si.seedPull({ owner: "o", repo: "r", number: 12, head_sha: sha });
      let res = await fetch(`${si.url}/repos/o/r/pulls/12`, { headers: json });
      assert.equal(((await res.json()) as { head: { sha: string } }).head.sha, sha);
      res = await fetch(`${si.url}/repos/o/r/check-runs`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          name: "size",
          head_sha: sha,
          status: "completed",
          conclusion: "success",
          output: { title: "ok", summary: "all good" },
        }),
      });
      assert.equal(res.status, 201);
      assertAllValid(si);
    } finally {
      await si.close();
    }
  });

  it("records a valid operation it has no fake for, and assertAllValid fails on it", async () => {
    const si = await startGitHubStandIn();
    try {
      const res = await fetch(`${si.url}/repos/o/r/topics`, { headers: json });
      assert.equal(res.status, 501);
      assert.equal(si.requests[0]?.valid, true);
      assert.throws(() => assertAllValid(si), /no fake for repos\/get-all-topics/);
    } finally {
      await si.close();
    }
  });
});

describe("GitHub stand-in: a job's GITHUB_TOKEN holds its permissions, as GitHub enforces them (o/r private)", () => {
  let si: GitHubStandIn;
  before(async () => {
    si = await startGitHubStandIn({ token: TOKEN, privateRepositories: ["O/r"] });
    si.seedPull({ owner: "o", repo: "r", number: 12, head_sha: "c0ffee".padEnd(40, "0") });
  });
  after(async () => {
    await si.close();
  });
  const release = { method: "POST", path: "/repos/o/r/releases", body: { tag_name: "v1.0.0" } };
  const comment = { method: "POST", path: "/repos/o/r/issues/12/comments", body: { body: "size report" } };
  const check = { method: "POST", path: "/repos/o/r/check-runs", body: { name: "size", head_sha: "c0ffee".padEnd(40, "0") } };
  const attestation = {
    method: "POST",
    path: "/repos/o/r/attestations",
    body: { bundle: { mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" } },
  };
  type Case = [
    what: string,
    permissions: Partial<TokenPermissions>,
    call: { method: string; path: string; body?: unknown },
    status: number,
    accepted?: string,
  ];
  const cases: Case[] = [
    ["a release with contents: write", { contents: "write" }, release, 201],
    ["a release with contents: read", { contents: "read", packages: "write" }, release, 403, "contents=write"],
    ["listing releases with contents: read", { contents: "read" }, { method: "GET", path: "/repos/o/r/releases" }, 200],
    ["listing releases with permissions: {} (every scope none)", {}, { method: "GET", path: "/repos/o/r/releases" }, 403, "contents=read"],
    ["a comment on a pull request with pull-requests: write", { "pull-requests": "write" }, comment, 201],
    ["a comment on a pull request with issues: write", { issues: "write" }, comment, 201],
    ["a comment with contents: write only", { contents: "write" }, comment, 403, "issues=write; pull_requests=write"],
    ["a pull request read with pull-requests: read", { "pull-requests": "read" }, { method: "GET", path: "/repos/o/r/pulls/12" }, 200],
    [
      "a pull request read with contents: read only",
      { contents: "read" },
      { method: "GET", path: "/repos/o/r/pulls/12" },
      403,
      "pull_requests=read",
    ],
    ["a check run with checks: write", { checks: "write" }, check, 201],
    ["a check run with checks: read", { checks: "read", contents: "write" }, check, 403, "checks=write"],
    // Refused before the stand-in looks for a fake: the rule is the category's, not the fake's.
    ["an attestation with attestations: read", { attestations: "read", "id-token": "write" }, attestation, 403, "attestations=write"],
    ["an attestation with id-token: write only", { "id-token": "write", contents: "write" }, attestation, 403, "attestations=write"],
    // A public repository is read with any token; writing it still needs the permission.
    ["listing a public repository's releases with permissions: {}", {}, { method: "GET", path: "/repos/o/public/releases" }, 200],
    [
      "a release in a public repository with contents: read",
      { contents: "read" },
      { ...release, path: "/repos/o/public/releases" },
      403,
      "contents=write",
    ],
  ];
  for (const [what, permissions, call, status, accepted] of cases) {
    it(`${what}: ${status}`, async () => {
      const token = si.issueToken(permissions);
      const res = await fetch(`${si.url}${call.path}`, {
        method: call.method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(call.body ? { body: JSON.stringify(call.body) } : {}),
      });
      const body = (await res.json()) as { message: string };
      assert.equal(res.status, status, JSON.stringify(body));
      const rec = si.requests.at(-1)!;
      if (status === 403) {
        assert.equal(body.message, "Resource not accessible by integration");
        assert.equal(res.headers.get("x-accepted-github-permissions"), accepted);
        assert.equal(rec.valid, false);
        assert.match(rec.errors.join("\n"), /^permissions: the token holds /);
        assert.throws(() => assertAllValid({ requests: [rec] }), /Resource|permissions: the token holds/);
      } else {
        assert.equal(rec.valid, true, rec.errors.join("; "));
      }
    });
  }

  it("a token it never issued is refused with 401; the stand-in's own token holds every permission", async () => {
    let res = await fetch(`${si.url}/repos/o/r/releases`, { headers: { authorization: "Bearer ghs_never_issued" } });
    assert.equal(res.status, 401);
    res = await fetch(`${si.url}/repos/o/r/releases`, { method: "POST", headers: json, body: JSON.stringify({ tag_name: "v9.0.0" }) });
    assert.equal(res.status, 201);
  });

  it("unspecified scopes are none; the permissions of an issued token are known", () => {
    const p = tokenPermissions({ contents: "write" });
    assert.equal(p.contents, "write");
    assert.equal(p.packages, "none");
    assert.equal(p["id-token"], "none");
    assert.deepEqual(si.permissionsOf(si.issueToken({ packages: "read" }))?.packages, "read");
  });

  it("finds the permission of every operation the fakes answer, by its category", () => {
    const api = loadGitHubOpenApi();
    const ops = new Map<string, { op: Parameters<typeof permissionNeeded>[0]; method: string }>();
    for (const item of Object.values(api.spec.paths))
      for (const [method, op] of Object.entries(item))
        if (op && typeof op === "object" && "operationId" in op) ops.set(String(op.operationId), { op, method });
    const table: [string, string | undefined][] = [
      ["repos/create-release", "contents write"],
      ["repos/get-release-by-tag", "contents read"],
      ["repos/upload-release-asset", "contents write"],
      ["repos/delete-release-asset", "contents write"],
      ["issues/create-comment", "issues,pull-requests write"],
      ["issues/list-comments", "issues,pull-requests read"],
      ["pulls/get", "pull-requests read"],
      ["checks/update", "checks write"],
      ["repos/create-attestation", "attestations write"],
      ["git/update-ref", "contents write"],
      ["repos/get", "metadata read"],
      ["packages/get-all-package-versions-for-package-owned-by-org", "packages read"],
      ["actions/get-workflow-run", "actions read"],
      ["orgs/list-members", undefined],
    ];
    for (const [id, want] of table) {
      const found = ops.get(id);
      assert.ok(found, id);
      const need = permissionNeeded(found.op, found.method);
      assert.equal(need ? `${need.scopes.join(",")} ${need.access}` : undefined, want, id);
    }
  });
});
