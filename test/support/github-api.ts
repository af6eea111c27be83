/**
 * A stand-in for GitHub's REST API, for tests only: GitHub cannot exist on this machine.
 *
 * Every request is checked against GitHub's published OpenAPI description (the npm package
 * @octokit/openapi, generated/api.github.com.json) before anything answers it:
 * - the operation is found by method + path template (most specific template wins); an unknown
 *   path or method is refused with 404;
 * - path and query parameters are checked against their schemas (type, enum, required); query
 *   parameters the operation does not declare are refused (GitHub ignores them; a typo would go unseen);
 * - an Authorization header of the form `token X` / `Bearer X` is required (and must carry the expected
 *   token when the stand-in was given one);
 * - a JSON body is checked against the operation's requestBody schema. Request bodies are read as
 *   closed objects: a property the schema does not declare is refused, so `pre_release: true` cannot
 *   slip through as it would at GitHub;
 * - refused requests answer 422 (400 for unparsable JSON, 401 for auth, 404 for unknown routes) with a
 *   validation-error body, and are recorded with valid: false and the reasons.
 * - a token given `permissions` (GITHUB_TOKEN's, as a job's `permissions:` grant them) is refused
 *   403 "Resource not accessible by integration" on an operation needing one it lacks
 *   (OPERATION_PERMISSIONS);
 * Answers come from small stateful in-memory fakes (issue comments, releases and their assets, pull
 * requests, check runs, artifact attestations), and each answer is itself checked against the operation's response schema;
 * a mismatch is recorded in `responseErrors`. `assertAllValid` fails a test on any of these.
 *
 * Uploads: the upload-release-asset operation lives on https://uploads.github.com (its `servers`
 * entry). Here it is served by the same server under the `/uploads` prefix (`uploadsUrl`), and release
 * objects carry an `upload_url` pointing there. Operations of the uploads server are refused on the API
 * root and vice versa.
 *
 * Schemas are checked by Ajv (see "Validation" below). The description (13 MB) is read and indexed
 * once per process; its components are converted and registered with Ajv as the schemas compiled
 * need them, and each schema is compiled once, on first use.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { bundleFromJSON } from "@sigstore/bundle";
import { ASN1Obj, X509Certificate } from "@sigstore/core";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier, type TrustMaterial } from "@sigstore/verify";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import addFormats from "ajv-formats";

// ---------------------------------------------------------------------------------------------
// The OpenAPI description
// ---------------------------------------------------------------------------------------------

export interface Schema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  not?: Schema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  default?: unknown;
}

interface Parameter {
  $ref?: string;
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
  "x-multi-segment"?: boolean;
}

interface MediaType {
  schema?: Schema;
}

interface RequestBody {
  $ref?: string;
  required?: boolean;
  content?: Record<string, MediaType>;
}

interface Response {
  $ref?: string;
  content?: Record<string, MediaType>;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: RequestBody;
  responses: Record<string, Response>;
  servers?: { url: string }[];
  "x-github"?: { category?: string; subcategory?: string };
  externalDocs?: { url?: string };
}

interface PathItem {
  parameters?: Parameter[];
  [method: string]: Operation | Parameter[] | undefined;
}

interface Spec {
  openapi: string;
  info: { version: string };
  paths: Record<string, PathItem>;
  components: Record<string, Record<string, unknown>>;
}

interface Route {
  template: string;
  regex: RegExp;
  params: string[];
  /** Per segment: 2 literal, 1 parameter, 0 multi-segment parameter. Higher is more specific. */
  rank: number[];
  item: PathItem;
}

export interface GitHubOpenApi {
  /** Absolute path of the description that was read. */
  file: string;
  version: string;
  /** Milliseconds to read, parse and index it (once per process). */
  loadMs: number;
  operations: number;
  spec: Spec;
  routes: Route[];
  /** JSON pointer lookup ("#/components/schemas/release"). */
  resolve<T>(ref: string): T;
  schema(name: string): Schema;
}

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options", "trace"];
let loaded: GitHubOpenApi | undefined;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compileRoute(template: string, item: PathItem, multi: Set<string>): Route {
  const params: string[] = [];
  const rank: number[] = [];
  let source = "";
  for (const segment of template.split("/").slice(1)) {
    source += "/";
    const parts = segment.split(/(\{[^}]+\})/).filter((p) => p !== "");
    let segRank = 2;
    for (const part of parts) {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (!m) {
        source += escapeRegex(part);
        continue;
      }
      const name = m[1]!;
      params.push(name);
      const isMulti = multi.has(name) && parts.length === 1;
      source += isMulti ? "(.+?)" : "([^/]+?)";
      segRank = Math.min(segRank, isMulti ? 0 : 1);
    }
    rank.push(segRank);
  }
  return { template, regex: new RegExp(`^${source}$`), params, rank, item };
}

/** Reads and indexes GitHub's OpenAPI description, once per process. */
export function loadGitHubOpenApi(): GitHubOpenApi {
  if (loaded) return loaded;
  const started = performance.now();
  const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
  const refCache = new Map<string, unknown>();
  const resolve = <T>(ref: string): T => {
    let hit = refCache.get(ref);
    if (hit === undefined) {
      if (!ref.startsWith("#/")) throw new Error(`stand-in: external $ref ${ref} is not supported`);
      hit = spec;
      for (const raw of ref.slice(2).split("/")) {
        const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        hit = (hit as Record<string, unknown> | undefined)?.[key];
      }
      if (hit === undefined) throw new Error(`stand-in: $ref ${ref} does not resolve`);
      refCache.set(ref, hit);
    }
    return hit as T;
  };
  const param = (p: Parameter): Parameter => (p.$ref ? resolve<Parameter>(p.$ref) : p);
  let operations = 0;
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const multi = new Set<string>();
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      operations++;
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(param))
        if (p.in === "path" && p["x-multi-segment"]) multi.add(p.name);
    }
    routes.push(compileRoute(template, item, multi));
  }
  loaded = {
    file,
    version: spec.info.version,
    loadMs: Math.round(performance.now() - started),
    operations,
    spec,
    routes,
    resolve,
    schema: (name) => resolve<Schema>(`#/components/schemas/${name}`),
  };
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Validation: Ajv (JSON Schema 2019-09) against the description's own schemas. OpenAPI 3.0 is
// not quite JSON Schema, so each schema is converted once before Ajv sees it:
// - `nullable: true` becomes a "null" type (and a null in the enum), or, without a type, an
//   if-null-else around the schema;
// - `$ref`s into the description point at its components, registered with Ajv once per process
//   (twice: as they are, and read closed for request bodies);
// - oneOf is read leniently as anyOf ("at least one"): GitHub's oneOf branches overlap in places
//   (nullable branches, objects without required fields), and a strict reading would refuse
//   requests GitHub takes;
// - read closed (request bodies), an object schema that lists its properties refuses the others
//   (unevaluatedProperties: false, which sees the properties its allOf/anyOf parts declare).
// Ajv's errors are put into one line each ("body.draft: expected boolean, got string").
// ---------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "bigint") return "integer";
  return typeof v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Where a converted component lives for Ajv: `${BASE.open}release`, read open or read closed. */
const BASE = { open: "https://stand-in.invalid/open/", closed: "https://stand-in.invalid/closed/" };
/** Formats of the description Ajv does not know; they are not checked (as at GitHub's end, mostly). */
const UNCHECKED_FORMATS = ["int32", "int64", "float", "double", "byte", "binary", "password", "timestamp", "repo.nwo"];

const FORMAT_PROBLEM: Record<string, string> = {
  "date-time": "is not an ISO 8601 date-time",
  date: "is not a date (YYYY-MM-DD)",
  uri: "is not a URI",
  email: "is not an email address",
};

type Json = Record<string, unknown>;

/** One line per Ajv error keyword (the anyOf and if keywords are folded in `explain`). */
const SAY: Record<string, (at: string, p: Json, data: unknown, parent: Json) => string> = {
  type: (at, p, data, parent) =>
    `${at}: expected ${(Array.isArray(parent.type) ? (parent.type as string[]) : [String(parent.type ?? p.type)]).join(" or ")}, got ${typeOf(data)}`,
  required: (at, p) => `${at}.${String(p.missingProperty)}: is required`,
  unevaluatedProperties: (at, p) => `${at}.${String(p.unevaluatedProperty)}: is not a known property`,
  additionalProperties: (at, p) => `${at}.${String(p.additionalProperty)}: is not a known property`,
  enum: (at, p, data) => `${at}: ${show(data)} is not one of ${(p.allowedValues as unknown[]).map(show).join(", ")}`,
  format: (at, p, data) => `${at}: ${show(data)} ${FORMAT_PROBLEM[String(p.format)] ?? `is not a valid ${String(p.format)}`}`,
  pattern: (at, p, data) => `${at}: ${show(data)} does not match /${String(p.pattern)}/`,
  minLength: (at, p) => `${at}: shorter than ${String(p.limit)} characters`,
  maxLength: (at, p) => `${at}: longer than ${String(p.limit)} characters`,
  minimum: (at, p, data) => `${at}: ${show(data)} is below the minimum ${String(p.limit)}`,
  maximum: (at, p, data) => `${at}: ${show(data)} is above the maximum ${String(p.limit)}`,
  exclusiveMinimum: (at, p, data) => `${at}: ${show(data)} must be above ${String(p.limit)}`,
  exclusiveMaximum: (at, p, data) => `${at}: ${show(data)} must be below ${String(p.limit)}`,
  multipleOf: (at, p, data) => `${at}: ${show(data)} is not a multiple of ${String(p.multipleOf)}`,
  minItems: (at, p) => `${at}: fewer than ${String(p.limit)} items`,
  maxItems: (at, p) => `${at}: more than ${String(p.limit)} items`,
  uniqueItems: (at) => `${at}: items are not unique`,
  minProperties: (at, p) => `${at}: fewer than ${String(p.limit)} properties`,
  maxProperties: (at, p) => `${at}: more than ${String(p.limit)} properties`,
  not: (at) => `${at}: must not match the "not" schema`,
};

/** A component a converted schema refers to: its name, and whether it is read closed. */
type Needed = [name: string, closed: boolean][];

/**
 * One OpenAPI 3.0 schema as JSON Schema 2019-09 (see above); `closed` for request bodies. The
 * components it refers to are added to `needs`.
 */
function convert(api: GitHubOpenApi, schema: Schema | boolean, closed: boolean, needs: Needed): Json | boolean {
  if (typeof schema === "boolean" || !isPlainObject(schema)) return schema as boolean;
  const s = schema as Schema & Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    switch (key) {
      case "$ref": {
        const m = /^#\/components\/schemas\/([^/]+)(\/.*)?$/.exec(String(value));
        if (!m) throw new Error(`stand-in: $ref ${String(value)} is not into the description's schemas`);
        needs.push([m[1]!, closed]);
        out.$ref = `${closed ? BASE.closed : BASE.open}${m[1]}${m[2] ? `#${m[2]}` : ""}`;
        break;
      }
      case "properties":
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, convert(api, v, closed, needs)]),
        );
        break;
      case "items":
      case "additionalProperties":
        out[key] = convert(api, value as Schema, closed, needs);
        break;
      case "not":
        out.not = convert(api, value as Schema, false, needs);
        break;
      case "allOf":
        // The parts of a whole only add constraints: they are read open, the whole is closed.
        out.allOf = (value as Schema[]).map((b) => convert(api, b, false, needs));
        break;
      case "oneOf":
      case "anyOf":
        // Branches of a bare oneOf/anyOf are whole shapes and stay closed; those of a schema that
        // lists its own properties only add to it.
        out.anyOf = (value as Schema[]).map((b) => convert(api, b, closed && !s.properties, needs));
        out["x-stand-in-of"] = key;
        break;
      case "nullable":
      case "discriminator":
      case "example":
      case "examples":
        break;
      default:
        out[key] = value;
    }
  }
  if (closed && s.additionalProperties === undefined && (s.properties || s.allOf)) {
    // Names the schema knows without a schema of their own (required ones, also of allOf parts)
    // are declared too, so that only what no part names is refused.
    const named = new Set(Object.keys(s.properties ?? {}));
    const required = [...(s.required ?? [])];
    for (const part of s.allOf ?? []) {
      const d = part.$ref ? api.resolve<Schema>(part.$ref) : part;
      required.push(...(d.required ?? []));
      for (const n of Object.keys(d.properties ?? {})) named.add(n);
    }
    const props = { ...(out.properties as Json | undefined) };
    for (const n of required) if (!named.has(n) && !(n in props)) props[n] = true;
    if (Object.keys(props).length > 0) out.properties = props;
    out.unevaluatedProperties = false;
  }
  if (s.nullable === true) {
    if (s.type !== undefined) {
      out.type = [...(Array.isArray(s.type) ? s.type : [s.type]), "null"];
      if (Array.isArray(s.enum) && !s.enum.includes(null)) out.enum = [...s.enum, null];
    } else {
      return { if: { type: "null" }, else: out };
    }
  }
  return out;
}

interface Ajvs {
  ajv: Ajv2019;
  /** Components registered so far, as `${BASE}name`. */
  registered: Set<string>;
}
let ajvs: Ajvs | undefined;

/** One Ajv per process. Components are converted and registered as the schemas compiled need them. */
function ajvFor(): Ajvs {
  if (ajvs) return ajvs;
  // inlineRefs: false compiles each component once, as its own function, instead of into every
  // schema that uses it (GitHub's users and repositories are everywhere).
  const ajv = new Ajv2019({ strict: false, allErrors: true, verbose: true, validateSchema: false, inlineRefs: false });
  addFormats.default(ajv);
  for (const f of UNCHECKED_FORMATS) ajv.addFormat(f, true);
  ajvs = { ajv, registered: new Set() };
  return ajvs;
}

/** Registers the components in `needs` with Ajv, and those they need, each once. */
function register(api: GitHubOpenApi, a: Ajvs, needs: Needed): void {
  const schemas = api.spec.components.schemas as Record<string, Schema>;
  for (let next = needs.pop(); next; next = needs.pop()) {
    const [name, closed] = next;
    const id = `${closed ? BASE.closed : BASE.open}${name}`;
    if (a.registered.has(id)) continue;
    const schema = schemas[name];
    if (!schema) throw new Error(`stand-in: $ref to #/components/schemas/${name}, which the description lacks`);
    a.registered.add(id);
    a.ajv.addSchema(convert(api, schema, closed, needs) as Json, id);
  }
}

export class SchemaValidator {
  private readonly ajv: Ajv2019;
  /** Compiled validators by schema object (the description's own, so stable), open and closed. */
  private static readonly compiled = { open: new WeakMap<object, ValidateFunction>(), closed: new WeakMap<object, ValidateFunction>() };
  private readonly ajvs: Ajvs;

  constructor(private readonly api: GitHubOpenApi) {
    this.ajvs = ajvFor();
    this.ajv = this.ajvs.ajv;
  }

  deref(s: Schema): Schema {
    let out = s;
    for (let i = 0; out.$ref && i < 20; i++) out = this.api.resolve<Schema>(out.$ref);
    return out;
  }

  /** The compiled validator of a description schema, compiled on first use. */
  compile(schema: Schema, closed = false): ValidateFunction {
    const cache = closed ? SchemaValidator.compiled.closed : SchemaValidator.compiled.open;
    let fn = cache.get(schema);
    if (!fn) {
      const needs: Needed = [];
      const converted = convert(this.api, schema, closed, needs) as Json;
      register(this.api, this.ajvs, needs);
      fn = this.ajv.compile(converted);
      cache.set(schema, fn);
    }
    return fn;
  }

  /**
   * Problems of `value` against `schema`, one line each ("body.draft: expected boolean, got string").
   * `closed`: objects may not carry properties the schema does not name (used for requests).
   */
  validate(schema: Schema, value: unknown, at: string, closed = false): string[] {
    const fn = this.compile(schema, closed);
    return fn(value) ? [] : this.explain(fn.errors ?? [], value, at);
  }

  /** Ajv's errors as lines, with the branches of a failed anyOf folded into one line. */
  private explain(errors: ErrorObject[], root: unknown, at: string): string[] {
    const lines: string[] = [];
    for (const e of errors) {
      const where = this.where(at, e.instancePath, root);
      const p = e.params as Json;
      const parent = (e.parentSchema ?? {}) as Json;
      switch (e.keyword) {
        case "if":
          continue; // the else branch says what is wrong
        case "anyOf": {
          const branches = e.schema as Json[];
          const tries = branches.map((b) => {
            const fn = this.ajv.compile(b);
            return fn(e.data) ? [] : this.explain(fn.errors ?? [], e.data, where);
          });
          const folded = new Set(tries.flat());
          for (let i = lines.length - 1; i >= 0; i--) if (folded.has(lines[i]!)) lines.splice(i, 1);
          const best = tries.reduce((x, y) => (y.length < x.length ? y : x));
          const kind = String(parent["x-stand-in-of"] ?? "anyOf");
          lines.push(`${where}: matches none of the ${branches.length} ${kind} alternatives (closest: ${best.join("; ")})`);
          continue;
        }
        default: {
          const say = SAY[e.keyword];
          lines.push(say ? say(where, p, e.data, parent) : `${where}: ${e.message ?? e.keyword}`);
        }
      }
    }
    return [...new Set(lines)];
  }

  /** "/assets/0/id" under "release" as "release.assets[0].id" (brackets where the data is an array). */
  private where(at: string, pointer: string, root: unknown): string {
    let out = at;
    let here = root;
    for (const raw of pointer.split("/").slice(1)) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      out += Array.isArray(here) ? `[${key}]` : `.${key}`;
      here = (here as Record<string, unknown> | undefined)?.[key];
    }
    return out;
  }

  /**
   * A minimal instance of the schema: required properties only, first enum value or branch, nulls
   * where allowed. The fakes build their answers on it and set what they know.
   */
  sample(schema0: Schema, depth = 0): unknown {
    const s = this.deref(schema0);
    if (depth > 40) return null;
    if (s.nullable) return null;
    if (s.enum && s.enum.length > 0) return s.enum[0];
    if (s.allOf) return Object.assign({}, ...s.allOf.map((b) => this.sample(b, depth + 1)));
    if (s.oneOf?.[0]) return this.sample(s.oneOf[0], depth + 1);
    if (s.anyOf?.[0]) return this.sample(s.anyOf[0], depth + 1);
    const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : (s.type ?? (s.properties ? "object" : undefined));
    switch (type) {
      case "string":
        switch (s.format) {
          case "date-time":
            return "2026-01-01T00:00:00Z";
          case "date":
            return "2026-01-01";
          case "uri":
            return "https://github.com/stand-in";
          case "email":
            return "stand-in@example.com";
          default:
            return "x".repeat(Math.max(1, s.minLength ?? 0));
        }
      case "integer":
      case "number":
        return s.minimum ?? 1;
      case "boolean":
        return false;
      case "array":
        return Array.from({ length: s.minItems ?? 0 }, () => this.sample(s.items ?? {}, depth + 1));
      case "object": {
        const o: Record<string, unknown> = {};
        for (const name of s.required ?? []) o[name] = this.sample(s.properties?.[name] ?? {}, depth + 1);
        return o;
      }
      default:
        return null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Token permissions. GITHUB_TOKEN is a GitHub App installation token holding its job's
// `permissions:`; a call they do not allow is answered 403 "Resource not accessible by
// integration", with the permissions that would do in `x-accepted-github-permissions` (alternatives
// separated by "; "). What an operation needs is found generically, by its x-github category and
// subcategory in the description (OPERATION_PERMISSIONS): any route of a category is covered, those
// faked later too. Reads (GET, HEAD) need read; anything else write, which includes read.
// ---------------------------------------------------------------------------------------------

/** The scopes of `permissions:` (GitHub's "Controlling permissions for GITHUB_TOKEN"). */
export const PERMISSION_SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;
export type PermissionScope = (typeof PERMISSION_SCOPES)[number];
export type Access = "none" | "read" | "write";
export type TokenPermissions = Record<PermissionScope, Access>;

/**
 * The permission an operation needs, by "category/subcategory" (or "category", or "*\/subcategory")
 * of its x-github entry; the first match wins. Several scopes: any one of them will do (a comment on
 * a pull request is an issue comment: issues or pull-requests). `metadata` (read, always held) covers
 * reading the repository itself. An operation no entry matches is recorded as a stand-in problem.
 */
export const OPERATION_PERMISSIONS: { match: string; scopes: (PermissionScope | "metadata")[] }[] = [
  { match: "*/attestations", scopes: ["attestations"] },
  { match: "releases", scopes: ["contents"] },
  { match: "git", scopes: ["contents"] },
  { match: "repos/contents", scopes: ["contents"] },
  { match: "repos/commits", scopes: ["contents"] },
  { match: "commits/commits", scopes: ["contents"] },
  { match: "commits/comments", scopes: ["contents"] },
  { match: "branches/branches", scopes: ["contents"] },
  { match: "commits/statuses", scopes: ["statuses"] },
  { match: "repos/repos", scopes: ["metadata"] },
  { match: "issues/comments", scopes: ["issues", "pull-requests"] },
  { match: "issues", scopes: ["issues"] },
  { match: "pulls", scopes: ["pull-requests"] },
  { match: "checks", scopes: ["checks"] },
  { match: "packages", scopes: ["packages"] },
  { match: "actions", scopes: ["actions"] },
  { match: "deployments", scopes: ["deployments"] },
  { match: "pages", scopes: ["pages"] },
];

export interface PermissionNeed {
  scopes: (PermissionScope | "metadata")[];
  access: "read" | "write";
}

/** What `method` on `op` needs of a token, or undefined when OPERATION_PERMISSIONS has no rule for it. */
export function permissionNeeded(op: Pick<Operation, "x-github">, method: string): PermissionNeed | undefined {
  const category = op["x-github"]?.category ?? "";
  const sub = op["x-github"]?.subcategory ?? "";
  const rule = OPERATION_PERMISSIONS.find((r) => r.match === category || r.match === `${category}/${sub}` || r.match === `*/${sub}`);
  if (!rule) return undefined;
  return { scopes: rule.scopes, access: ["get", "head"].includes(method.toLowerCase()) ? "read" : "write" };
}

/** Whether `permissions` meet `need` (write includes read; metadata is always readable). */
export function permits(permissions: TokenPermissions, need: PermissionNeed): boolean {
  return need.scopes.some((scope) => {
    if (scope === "metadata") return need.access === "read";
    const held = permissions[scope];
    return held === "write" || (held === "read" && need.access === "read");
  });
}

/** The x-accepted-github-permissions header for `need`: GitHub App names, underscores (pull_requests=write; issues=write). */
export function acceptedPermissionsHeader(need: PermissionNeed): string {
  return need.scopes.map((s) => `${s.replace(/-/g, "_")}=${need.access}`).join("; ");
}

/** Every scope `none`, then `given`: what a `permissions:` block means (unspecified scopes are none). */
export function tokenPermissions(given: Partial<Record<PermissionScope, Access>> = {}): TokenPermissions {
  return Object.fromEntries(PERMISSION_SCOPES.map((s) => [s, given[s] ?? "none"])) as TokenPermissions;
}

// ---------------------------------------------------------------------------------------------
// The stand-in server
// ---------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  /** The path as received, without the query (uploads keep their /uploads prefix). */
  path: string;
  query: string;
  server: "api" | "uploads";
  /** The path template matched, e.g. /repos/{owner}/{repo}/issues/{issue_number}/comments. */
  template?: string;
  operationId?: string;
  valid: boolean;
  /** Why the request was refused; empty when valid. */
  errors: string[];
  status: number;
  /** Problems of the stand-in's own answer against the response schema (or a missing fake). */
  responseErrors: string[];
  /** The answer came from `fail()`, not from a fake. */
  injected?: boolean;
  /** The parsed JSON body, or {bytes, contentType} for binary uploads. */
  body?: unknown;
  /** The permission the operation needs (undefined for an operation without a rule; see permissionNeeded). */
  needs?: PermissionNeed;
}

export interface FakeComment {
  id: number;
  owner: string;
  repo: string;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface FakeRelease {
  id: number;
  owner: string;
  repo: string;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  created_at: string;
  published_at: string | null;
  updated_at: string;
}

export interface FakeAsset {
  id: number;
  release_id: number;
  name: string;
  label: string | null;
  content_type: string;
  size: number;
  digest: string;
  data: Buffer;
  created_at: string;
  updated_at: string;
}

export interface FakePull {
  owner: string;
  repo: string;
  number: number;
  head_sha: string;
  head_ref: string;
  base_ref: string;
  title: string;
  state: "open" | "closed";
  /** The PR's author (default: the owner). */
  user?: string;
}

export interface FakeCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  started_at: string;
  completed_at: string | null;
}

export interface FakeAttestation {
  id: number;
  owner: string;
  repo: string;
  /** The Sigstore bundle as stored. */
  bundle: Record<string, unknown>;
  /** The in-toto statement's subject digests, "sha256:HEX". */
  digests: string[];
  predicateType: string;
}

export interface StandInState {
  nextId: number;
  comments: FakeComment[];
  releases: FakeRelease[];
  assets: FakeAsset[];
  pulls: FakePull[];
  checkRuns: FakeCheckRun[];
  attestations: FakeAttestation[];
}

export interface StandInOptions {
  /**
   * A token accepted with every permission (like a personal access token). Once any token is known
   * (this one or issueToken's), only those are accepted; any other answers 401 and is recorded
   * invalid. With none at all, any token is accepted, with every permission.
   */
  token?: string;
  /** The login of the authenticated user, shown as author of what the client creates. */
  login?: string;
  /** Check the stand-in's own answers against the response schemas (default true). */
  validateResponses?: boolean;
  /**
   * Private repositories ("owner/repo"); the others are public. In a public one, reading needs no
   * permission (GitHub's reference: such an endpoint "can be used without authentication or the
   * aforementioned permissions if only public resources are requested"); in a private one, a
   * token reads only with the permission.
   */
  privateRepositories?: string[];
  /**
   * The repository has GitHub's immutable releases on: once a release is published its assets
   * cannot be uploaded, replaced or deleted, its tag cannot change, it cannot go back to draft, and
   * after it is deleted its tag cannot be used by another release. Title, notes and the
   * pre-release flag stay editable. Refusals are 422s as GitHub gives them.
   */
  immutable?: boolean;
  /**
   * The permissions of `token`, as a job's `permissions:` grant them to GITHUB_TOKEN (a scope not
   * named is none), checked like issueToken's. Unset: every permission.
   */
  permissions?: Partial<TokenPermissions>;
  /**
   * trusted_root.json of the Sigstore that signs attestations: create-attestation verifies each
   * bundle against it (signature, certificate chain, transparency log or timestamp) and requires
   * its certificate's source repository to be the repository it is stored in, and refuses (422)
   * otherwise. Unset: attestations are refused.
   */
  attestationTrust?: object;
}

/** An injected failure: the next `times` valid requests (of `operationId`, if given) get this answer. */
export interface Fault {
  status: number;
  times?: number;
  operationId?: string;
  headers?: Record<string, string>;
  message?: string;
  /** The fake does its work first and only the answer is replaced: a lost answer (a retried POST meets its own effect). */
  commit?: boolean;
}

export interface GitHubStandIn {
  /** The API root (like https://api.github.com). */
  url: string;
  /** The uploads root (like https://uploads.github.com), served by the same server. */
  uploadsUrl: string;
  requests: RecordedRequest[];
  state: StandInState;
  openapi: { file: string; version: string; loadMs: number; operations: number };
  fail(fault: Fault): void;
  seedComment(c: { owner: string; repo: string; issue_number: number; body: string; user?: string }): FakeComment;
  seedPull(p: Partial<FakePull> & { owner: string; repo: string; number: number; head_sha: string }): FakePull;
  /**
   * A new GITHUB_TOKEN for a job holding `permissions` (unspecified scopes none, see
   * tokenPermissions): the stand-in answers its calls as GitHub does, 403 for what they do not allow.
   */
  issueToken(permissions: Partial<TokenPermissions>): string;
  /** The permissions of a token issueToken gave; undefined for others. */
  permissionsOf(token: string): TokenPermissions | undefined;
  close(): Promise<void>;
}

interface Ctx {
  params: Record<string, string | number | boolean>;
  query: Record<string, unknown>;
  body: unknown;
  raw: Buffer;
  headers: IncomingMessage["headers"];
  /** Origin + path of this request, for Link headers. */
  self: URL;
  api: string;
  uploads: string;
  login: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOCS = "https://docs.github.com/rest";

function notFound(): Reply {
  return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
}

function validationFailed(
  errors: { resource?: string; field?: string; code: string; message?: string }[],
  message = "Validation Failed",
): Reply {
  return { status: 422, body: { message, errors, documentation_url: DOCS, status: "422" } };
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function coerce(raw: string, schema: Schema | undefined, validator: SchemaValidator): unknown {
  const s = schema ? validator.deref(schema) : {};
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

export async function startGitHubStandIn(opts: StandInOptions = {}): Promise<GitHubStandIn> {
  const api = loadGitHubOpenApi();
  const validator = new SchemaValidator(api);
  const login = opts.login ?? "kimigayo-bot";
  const validateResponses = opts.validateResponses ?? true;
  const requests: RecordedRequest[] = [];
  /** Known tokens: those of jobs with their permissions, and opts.token with every permission ("all"). */
  const tokens = new Map<string, TokenPermissions | "all">(
    opts.token === undefined ? [] : [[opts.token, opts.permissions ? tokenPermissions(opts.permissions) : "all"]],
  );
  const privateRepositories = new Set((opts.privateRepositories ?? []).map((r) => r.toLowerCase()));
  const faults: (Fault & { left: number })[] = [];
  const state: StandInState = { nextId: 1000, comments: [], releases: [], assets: [], pulls: [], checkRuns: [], attestations: [] };
  const attestationTrust: TrustMaterial | undefined = opts.attestationTrust
    ? toTrustMaterial(TrustedRoot.fromJSON(opts.attestationTrust))
    : undefined;
  const id = () => state.nextId++;
  const isImmutable = (r: FakeRelease) => opts.immutable === true && !r.draft;
  /** Tags of deleted immutable releases, per repository: never used again. */
  const burnedTags = new Set<string>();
  const burnKey = (owner: string, repo: string, tag: string) => `${owner.toLowerCase()}/${repo.toLowerCase()} ${tag}`;
  const immutableRefusal = (message: string, field?: string) =>
    validationFailed([{ resource: "Release", code: "custom", ...(field ? { field } : {}), message }]);

  // ---- answers, built on schema samples so that every required field is there ----
  const sampleCache = new Map<string, unknown>();
  const make = (schemaName: string, fields: Record<string, unknown>): Record<string, unknown> => {
    if (!sampleCache.has(schemaName)) sampleCache.set(schemaName, validator.sample(api.schema(schemaName)));
    return { ...(structuredClone(sampleCache.get(schemaName)) as Record<string, unknown>), ...fields };
  };
  const nodeId = (kind: string, n: number) => `${kind}_${Buffer.from(String(n)).toString("base64url")}`;
  const userJson = (name: string) => {
    const n = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7);
    // As GitHub: a bot's login is percent-encoded in its URLs (github-actions%5Bbot%5D).
    const u = `https://api.github.com/users/${encodeURIComponent(name)}`;
    return make("simple-user", {
      login: name,
      id: n,
      node_id: nodeId("U", n),
      type: name.endsWith("[bot]") ? "Bot" : "User",
      site_admin: false,
      gravatar_id: "",
      avatar_url: `https://avatars.githubusercontent.com/u/${n}`,
      url: u,
      html_url: `https://github.com/${encodeURIComponent(name)}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
    });
  };
  const repoApi = (c: Ctx, owner: string, repo: string) => `${c.api}/repos/${owner}/${repo}`;
  const commentJson = (c: Ctx, k: FakeComment) =>
    make("issue-comment", {
      id: k.id,
      node_id: nodeId("IC", k.id),
      url: `${repoApi(c, k.owner, k.repo)}/issues/comments/${k.id}`,
      html_url: `https://github.com/${k.owner}/${k.repo}/issues/${k.issue_number}#issuecomment-${k.id}`,
      issue_url: `${repoApi(c, k.owner, k.repo)}/issues/${k.issue_number}`,
      body: k.body,
      user: userJson(k.user),
      created_at: k.created_at,
      updated_at: k.updated_at,
      author_association: "NONE",
    });
  const assetJson = (c: Ctx, r: FakeRelease, a: FakeAsset) =>
    make("release-asset", {
      url: `${repoApi(c, r.owner, r.repo)}/releases/assets/${a.id}`,
      browser_download_url: `https://github.com/${r.owner}/${r.repo}/releases/download/${encodeURIComponent(r.tag_name)}/${encodeURIComponent(a.name)}`,
      id: a.id,
      node_id: nodeId("RA", a.id),
      name: a.name,
      label: a.label,
      state: "uploaded",
      content_type: a.content_type,
      size: a.size,
      digest: a.digest,
      download_count: 0,
      created_at: a.created_at,
      updated_at: a.updated_at,
      uploader: userJson(login),
    });
  const releaseJson = (c: Ctx, r: FakeRelease) => {
    const base = repoApi(c, r.owner, r.repo);
    return make("release", {
      url: `${base}/releases/${r.id}`,
      html_url: r.draft
        ? `https://github.com/${r.owner}/${r.repo}/releases/tag/untagged-${r.id}`
        : `https://github.com/${r.owner}/${r.repo}/releases/tag/${encodeURIComponent(r.tag_name)}`,
      assets_url: `${base}/releases/${r.id}/assets`,
      upload_url: `${c.uploads}/repos/${r.owner}/${r.repo}/releases/${r.id}/assets{?name,label}`,
      tarball_url: r.draft ? null : `${base}/tarball/${encodeURIComponent(r.tag_name)}`,
      zipball_url: r.draft ? null : `${base}/zipball/${encodeURIComponent(r.tag_name)}`,
      id: r.id,
      node_id: nodeId("RE", r.id),
      tag_name: r.tag_name,
      target_commitish: r.target_commitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: isImmutable(r),
      created_at: r.created_at,
      published_at: r.published_at,
      updated_at: r.updated_at,
      author: userJson(login),
      assets: state.assets.filter((a) => a.release_id === r.id).map((a) => assetJson(c, r, a)),
    });
  };
  const pullJson = (c: Ctx, p: FakePull) => {
    const base = repoApi(c, p.owner, p.repo);
    const sample = make("pull-request", {}) as Record<string, Record<string, unknown>>;
    const branch = (side: "head" | "base", ref: string, sha: string) => ({
      ...sample[side],
      label: `${p.owner}:${ref}`,
      ref,
      sha,
      user: userJson(p.owner),
      repo: { ...(sample[side]!.repo as Record<string, unknown>), name: p.repo, full_name: `${p.owner}/${p.repo}`, url: base },
    });
    return {
      ...sample,
      url: `${base}/pulls/${p.number}`,
      html_url: `https://github.com/${p.owner}/${p.repo}/pull/${p.number}`,
      number: p.number,
      state: p.state,
      title: p.title,
      user: userJson(p.user ?? p.owner),
      head: branch("head", p.head_ref, p.head_sha),
      base: branch("base", p.base_ref, "0".repeat(40)),
    };
  };
  const checkRunJson = (c: Ctx, k: FakeCheckRun) =>
    make("check-run", {
      id: k.id,
      node_id: nodeId("CR", k.id),
      head_sha: k.head_sha,
      name: k.name,
      url: `${repoApi(c, k.owner, k.repo)}/check-runs/${k.id}`,
      html_url: `https://github.com/${k.owner}/${k.repo}/runs/${k.id}`,
      status: k.status,
      conclusion: k.conclusion,
      started_at: k.started_at,
      completed_at: k.completed_at,
      output: { title: k.title, summary: k.summary, text: null, annotations_count: 0, annotations_url: `${c.api}/annotations` },
    });

  /** A page of `items` as GitHub pages them (per_page default 30, at most 100), with a Link header. */
  const paged = (c: Ctx, items: unknown[]): Reply => {
    const perPage = Math.min(100, Math.max(1, Number(c.query.per_page ?? 30)));
    const page = Math.max(1, Number(c.query.page ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const u = new URL(c.self);
      u.searchParams.set("per_page", String(perPage));
      u.searchParams.set("page", String(n));
      return `<${u.href}>; rel="${rel}"`;
    };
    const links = [];
    if (page > 1) links.push(link(page - 1, "prev"));
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) links.push(link(1, "first"));
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length ? { link: links.join(", ") } : {},
    };
  };

  const repoOf = (c: Ctx) => ({ owner: String(c.params.owner), repo: String(c.params.repo) });
  const inRepo = (c: Ctx) => {
    const { owner, repo } = repoOf(c);
    return (x: { owner: string; repo: string }) => same(x.owner, owner) && same(x.repo, repo);
  };
  const body = (c: Ctx) => (c.body ?? {}) as Record<string, unknown>;
  const findRelease = (c: Ctx) => state.releases.find((r) => inRepo(c)(r) && r.id === c.params.release_id);
  const tagTaken = (c: Ctx, tag: string, except?: number) =>
    state.releases.some((r) => inRepo(c)(r) && r.tag_name === tag && !r.draft && r.id !== except);

  const handlers: Record<string, (c: Ctx) => Reply> = {
    "issues/list-comments": (c) => {
      const list = state.comments.filter((k) => inRepo(c)(k) && k.issue_number === c.params.issue_number);
      return paged(
        c,
        list.map((k) => commentJson(c, k)),
      );
    },
    "issues/create-comment": (c) => {
      const t = now();
      const k: FakeComment = {
        id: id(),
        ...repoOf(c),
        issue_number: Number(c.params.issue_number),
        body: String(body(c).body),
        user: login,
        created_at: t,
        updated_at: t,
      };
      state.comments.push(k);
      return { status: 201, body: commentJson(c, k), headers: { location: `${repoApi(c, k.owner, k.repo)}/issues/comments/${k.id}` } };
    },
    "issues/get-comment": (c) => {
      const k = state.comments.find((x) => inRepo(c)(x) && x.id === c.params.comment_id);
      return k ? { status: 200, body: commentJson(c, k) } : notFound();
    },
    "issues/update-comment": (c) => {
      const k = state.comments.find((x) => inRepo(c)(x) && x.id === c.params.comment_id);
      if (!k) return notFound();
      k.body = String(body(c).body);
      k.updated_at = now();
      return { status: 200, body: commentJson(c, k) };
    },
    "issues/delete-comment": (c) => {
      const i = state.comments.findIndex((x) => inRepo(c)(x) && x.id === c.params.comment_id);
      if (i < 0) return notFound();
      state.comments.splice(i, 1);
      return { status: 204 };
    },
    "repos/list-releases": (c) => {
      const list = state.releases.filter(inRepo(c)).sort((a, b) => b.id - a.id);
      return paged(
        c,
        list.map((r) => releaseJson(c, r)),
      );
    },
    // Drafts have no tag yet: GitHub does not find them by tag.
    "repos/get-release-by-tag": (c) => {
      const r = state.releases.find((x) => inRepo(c)(x) && x.tag_name === c.params.tag && !x.draft);
      return r ? { status: 200, body: releaseJson(c, r) } : notFound();
    },
    "repos/get-latest-release": (c) => {
      const r = state.releases.filter((x) => inRepo(c)(x) && !x.draft && !x.prerelease).sort((a, b) => b.id - a.id)[0];
      return r ? { status: 200, body: releaseJson(c, r) } : notFound();
    },
    "repos/get-release": (c) => {
      const r = findRelease(c);
      return r ? { status: 200, body: releaseJson(c, r) } : notFound();
    },
    "repos/create-release": (c) => {
      const b = body(c);
      const tag = String(b.tag_name);
      const draft = b.draft === true;
      if (burnedTags.has(burnKey(repoOf(c).owner, repoOf(c).repo, tag)))
        return immutableRefusal("tag_name was used by an immutable release", "tag_name");
      if (!draft && tagTaken(c, tag)) return validationFailed([{ resource: "Release", code: "already_exists", field: "tag_name" }]);
      const t = now();
      const r: FakeRelease = {
        id: id(),
        ...repoOf(c),
        tag_name: tag,
        target_commitish: typeof b.target_commitish === "string" ? b.target_commitish : "main",
        name: typeof b.name === "string" ? b.name : null,
        body: typeof b.body === "string" ? b.body : null,
        draft,
        prerelease: b.prerelease === true,
        created_at: t,
        published_at: draft ? null : t,
        updated_at: t,
      };
      state.releases.push(r);
      return { status: 201, body: releaseJson(c, r), headers: { location: `${repoApi(c, r.owner, r.repo)}/releases/${r.id}` } };
    },
    "repos/update-release": (c) => {
      const r = findRelease(c);
      if (!r) return notFound();
      const b = body(c);
      const tag = typeof b.tag_name === "string" ? b.tag_name : r.tag_name;
      const draft = typeof b.draft === "boolean" ? b.draft : r.draft;
      if (isImmutable(r)) {
        if (tag !== r.tag_name || (typeof b.target_commitish === "string" && b.target_commitish !== r.target_commitish))
          return immutableRefusal("Cannot change the tag of an immutable release", "tag_name");
        if (draft) return immutableRefusal("Cannot convert an immutable release back to a draft", "draft");
      }
      if (!draft && tagTaken(c, tag, r.id)) return validationFailed([{ resource: "Release", code: "already_exists", field: "tag_name" }]);
      r.tag_name = tag;
      if (typeof b.target_commitish === "string") r.target_commitish = b.target_commitish;
      if (typeof b.name === "string") r.name = b.name;
      if (typeof b.body === "string") r.body = b.body;
      if (typeof b.prerelease === "boolean") r.prerelease = b.prerelease;
      if (r.draft && !draft) r.published_at = now();
      r.draft = draft;
      r.updated_at = now();
      return { status: 200, body: releaseJson(c, r) };
    },
    "repos/delete-release": (c) => {
      const r = findRelease(c);
      if (!r) return notFound();
      if (isImmutable(r)) burnedTags.add(burnKey(r.owner, r.repo, r.tag_name));
      state.releases.splice(state.releases.indexOf(r), 1);
      state.assets = state.assets.filter((a) => a.release_id !== r.id);
      return { status: 204 };
    },
    "repos/list-release-assets": (c) => {
      const r = findRelease(c);
      if (!r) return notFound();
      return paged(
        c,
        state.assets.filter((a) => a.release_id === r.id).map((a) => assetJson(c, r, a)),
      );
    },
    "repos/upload-release-asset": (c) => {
      const r = findRelease(c);
      if (!r) return notFound();
      const name = String(c.query.name);
      if (isImmutable(r)) return immutableRefusal("Cannot upload assets to an immutable release");
      // As GitHub: an asset name is unique per release; replacing means deleting first.
      if (state.assets.some((a) => a.release_id === r.id && a.name === name))
        return validationFailed([{ resource: "ReleaseAsset", code: "already_exists", field: "name" }]);
      const t = now();
      const a: FakeAsset = {
        id: id(),
        release_id: r.id,
        name,
        label: typeof c.query.label === "string" ? c.query.label : null,
        content_type: String(c.headers["content-type"]),
        size: c.raw.length,
        digest: `sha256:${createHash("sha256").update(c.raw).digest("hex")}`,
        data: c.raw,
        created_at: t,
        updated_at: t,
      };
      state.assets.push(a);
      return { status: 201, body: assetJson(c, r, a) };
    },
    "repos/get-release-asset": (c) => {
      const a = state.assets.find((x) => x.id === c.params.asset_id);
      const r = a && state.releases.find((x) => x.id === a.release_id && inRepo(c)(x));
      return a && r ? { status: 200, body: assetJson(c, r, a) } : notFound();
    },
    "repos/update-release-asset": (c) => {
      const a = state.assets.find((x) => x.id === c.params.asset_id);
      const r = a && state.releases.find((x) => x.id === a.release_id && inRepo(c)(x));
      if (!a || !r) return notFound();
      if (isImmutable(r)) return immutableRefusal("Cannot modify assets of an immutable release");
      const b = body(c);
      if (typeof b.name === "string") a.name = b.name;
      if (typeof b.label === "string") a.label = b.label;
      a.updated_at = now();
      return { status: 200, body: assetJson(c, r, a) };
    },
    "repos/delete-release-asset": (c) => {
      const a = state.assets.find((x) => x.id === c.params.asset_id);
      const r = a && state.releases.find((x) => x.id === a.release_id && inRepo(c)(x));
      if (!a || !r) return notFound();
      if (isImmutable(r)) return immutableRefusal("Cannot delete assets of an immutable release");
      state.assets.splice(state.assets.indexOf(a), 1);
      return { status: 204 };
    },
    "pulls/get": (c) => {
      const p = state.pulls.find((x) => inRepo(c)(x) && x.number === c.params.pull_number);
      return p ? { status: 200, body: pullJson(c, p) } : notFound();
    },
    "checks/create": (c) => {
      const b = body(c);
      const output = (b.output ?? {}) as Record<string, unknown>;
      const status = typeof b.conclusion === "string" ? "completed" : typeof b.status === "string" ? b.status : "queued";
      const k: FakeCheckRun = {
        id: id(),
        ...repoOf(c),
        name: String(b.name),
        head_sha: String(b.head_sha),
        status,
        conclusion: typeof b.conclusion === "string" ? b.conclusion : null,
        title: typeof output.title === "string" ? output.title : null,
        summary: typeof output.summary === "string" ? output.summary : null,
        started_at: typeof b.started_at === "string" ? b.started_at : now(),
        completed_at: status === "completed" ? (typeof b.completed_at === "string" ? b.completed_at : now()) : null,
      };
      state.checkRuns.push(k);
      return { status: 201, body: checkRunJson(c, k) };
    },
    "checks/update": (c) => {
      const k = state.checkRuns.find((x) => inRepo(c)(x) && x.id === c.params.check_run_id);
      if (!k) return notFound();
      const b = body(c);
      const output = (b.output ?? {}) as Record<string, unknown>;
      if (typeof b.name === "string") k.name = b.name;
      if (typeof b.status === "string") k.status = b.status;
      if (typeof b.conclusion === "string") {
        k.conclusion = b.conclusion;
        k.status = "completed";
      }
      if (k.status === "completed" && !k.completed_at) k.completed_at = typeof b.completed_at === "string" ? b.completed_at : now();
      if (typeof output.title === "string") k.title = output.title;
      if (typeof output.summary === "string") k.summary = output.summary;
      return { status: 200, body: checkRunJson(c, k) };
    },
    "checks/get": (c) => {
      const k = state.checkRuns.find((x) => inRepo(c)(x) && x.id === c.params.check_run_id);
      return k ? { status: 200, body: checkRunJson(c, k) } : notFound();
    },
    "repos/create-attestation": (c) => {
      const bundle = body(c).bundle as Record<string, unknown>;
      const refuse = (message: string) => validationFailed([{ resource: "Attestation", field: "bundle", code: "invalid", message }]);
      if (!attestationTrust) return refuse("the stand-in was given no Sigstore trust root (attestationTrust)");
      let parsed;
      try {
        parsed = bundleFromJSON(bundle);
      } catch (err) {
        return refuse(`not a Sigstore bundle: ${(err as Error).message}`);
      }
      if (parsed.content.$case !== "dsseEnvelope") return refuse("the bundle holds no DSSE envelope");
      try {
        // As GitHub's two instances: public-good's bundles are logged in Rekor; GitHub's carry an
        // RFC 3161 timestamp instead (then one is required).
        const logged = parsed.verificationMaterial.tlogEntries.length > 0;
        new Verifier(attestationTrust, logged ? {} : { tlogThreshold: 0 }).verify(toSignedEntity(parsed));
      } catch (err) {
        return refuse(`the bundle does not verify: ${(err as Error).message}`);
      }
      const material = parsed.verificationMaterial.content;
      const der =
        material.$case === "certificate"
          ? material.certificate.rawBytes
          : material.$case === "x509CertificateChain"
            ? material.x509CertificateChain.certificates[0]?.rawBytes
            : undefined;
      const ext = der ? X509Certificate.parse(Buffer.from(der)).extension("1.3.6.1.4.1.57264.1.12") : undefined;
      // The extension's value is a DER UTF8String (Fulcio's v2 extensions).
      const source = ext ? ASN1Obj.parseBuffer(Buffer.from(ext.valueObj.value)).value.toString("utf8") : undefined;
      const { owner, repo } = repoOf(c);
      if (!source || !same(source, `https://github.com/${owner}/${repo}`))
        return refuse(`the signing certificate's source repository is ${source ?? "missing"}, not https://github.com/${owner}/${repo}`);
      let statement: { subject?: { digest?: Record<string, string> }[]; predicateType?: string };
      try {
        statement = JSON.parse(Buffer.from(parsed.content.dsseEnvelope.payload).toString("utf8")) as typeof statement;
      } catch {
        return refuse("the DSSE payload is not JSON");
      }
      const digests = (statement.subject ?? []).flatMap((x) => (x.digest?.sha256 ? [`sha256:${x.digest.sha256}`] : []));
      if (digests.length === 0) return refuse("the statement has no sha256 subject");
      const a: FakeAttestation = { id: id(), owner, repo, bundle, digests, predicateType: String(statement.predicateType ?? "") };
      state.attestations.push(a);
      return { status: 201, body: { id: a.id } };
    },
    "repos/list-attestations": (c) => {
      const digest = String(c.params.subject_digest);
      const type = c.query.predicate_type === undefined ? undefined : String(c.query.predicate_type);
      const short: Record<string, string> = {
        provenance: "https://slsa.dev/provenance/v1",
        sbom: "https://spdx.dev/Document/v2.3",
        release: "https://in-toto.io/attestation/release/v0.1",
      };
      const list = state.attestations.filter(
        (a) => inRepo(c)(a) && a.digests.includes(digest) && (type === undefined || a.predicateType === (short[type] ?? type)),
      );
      const perPage = Math.min(100, Math.max(1, Number(c.query.per_page ?? 30)));
      return {
        status: 200,
        body: {
          attestations: list
            .slice(0, perPage)
            .map((a) => ({ bundle: a.bundle, repository_id: 1, bundle_url: `${c.api}/attestations/${a.id}` })),
        },
      };
    },
  };

  // ---- request checking ----
  const paramOf = (p: Parameter): Parameter => (p.$ref ? api.resolve<Parameter>(p.$ref) : p);
  const isUploadsOp = (op: Operation) => (op.servers ?? []).some((s) => /\/\/uploads\./.test(s.url));

  function findOperation(method: string, path: string, server: "api" | "uploads") {
    let best: { route: Route; op: Operation; values: string[] } | undefined;
    let pathKnown = false;
    for (const route of api.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathKnown = true;
      const op = route.item[method] as Operation | undefined;
      if (!op || isUploadsOp(op) !== (server === "uploads")) continue;
      if (!best || compareRank(route.rank, best.route.rank) > 0) best = { route, op, values: m.slice(1) };
    }
    return { best, pathKnown };
  }

  function compareRank(a: number[], b: number[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }

  function checkRequest(
    req: IncomingMessage,
    rec: RecordedRequest,
    route: Route,
    op: Operation,
    values: string[],
    url: URL,
    raw: Buffer,
  ): { ctx?: Omit<Ctx, "self" | "api" | "uploads" | "login">; reply?: Reply } {
    const errors = rec.errors;
    // Authorization
    const auth = req.headers.authorization;
    const m = auth ? /^(token|bearer) (\S+)$/i.exec(auth) : null;
    if (!m) {
      errors.push(auth ? "authorization: not of the form `token X` or `Bearer X`" : "authorization: header missing");
      return { reply: { status: 401, body: { message: "Requires authentication", documentation_url: DOCS, status: "401" } } };
    }
    const held = tokens.size === 0 ? "all" : tokens.get(m[2]!);
    if (held === undefined) {
      errors.push("authorization: not a token this stand-in knows");
      return { reply: { status: 401, body: { message: "Bad credentials", documentation_url: DOCS, status: "401" } } };
    }
    // Permissions, before the request itself is looked at (GitHub answers 403 before 422).
    const need = permissionNeeded(op, req.method ?? "GET");
    rec.needs = need;
    const at = (name: string) => {
      const i = route.params.indexOf(name);
      return i < 0 ? undefined : decodeURIComponent(values[i] ?? "");
    };
    const repository = at("owner") && at("repo") ? `${at("owner")}/${at("repo")}`.toLowerCase() : undefined;
    const publicRead = need?.access === "read" && repository !== undefined && !privateRepositories.has(repository);
    if (!need)
      rec.responseErrors.push(
        `the stand-in has no permission rule for ${op.operationId} (${op["x-github"]?.category}/${op["x-github"]?.subcategory}): add one to OPERATION_PERMISSIONS`,
      );
    else if (held !== "all" && !publicRead && !permits(held, need)) {
      const accepted = acceptedPermissionsHeader(need);
      const has = need.scopes.map((s) => `${s}: ${s === "metadata" ? "read" : held[s]}`).join(", ");
      errors.push(`permissions: the token holds ${has}; ${op.operationId} needs ${accepted}`);
      return {
        reply: {
          status: 403,
          headers: { "x-accepted-github-permissions": accepted },
          body: { message: "Resource not accessible by integration", documentation_url: op.externalDocs?.url ?? DOCS, status: "403" },
        },
      };
    }

    const item = route.item;
    const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(paramOf);
    // Path parameters
    const params: Record<string, string | number | boolean> = {};
    route.params.forEach((name, i) => {
      let value = values[i] ?? "";
      try {
        value = decodeURIComponent(value);
      } catch {
        errors.push(`path.${name}: bad percent-encoding`);
      }
      const p = declared.find((d) => d.in === "path" && d.name === name);
      const v = coerce(value, p?.schema, validator);
      if (p?.schema) errors.push(...validator.validate(p.schema, v, `path.${name}`));
      params[name] = v as string | number | boolean;
    });
    // Query parameters
    const query: Record<string, unknown> = {};
    const names = new Set(url.searchParams.keys());
    for (const name of names) {
      const p = declared.find((d) => d.in === "query" && (d.name === name || d.name === name.replace(/\[\]$/, "")));
      if (!p) {
        errors.push(`query.${name}: not a parameter of ${op.operationId}`);
        continue;
      }
      const all = url.searchParams.getAll(name);
      const s = p.schema ? validator.deref(p.schema) : {};
      let v: unknown;
      if (s.type === "array") v = all.flatMap((x) => x.split(",")).map((x) => coerce(x, s.items, validator));
      else if (all.length > 1) {
        errors.push(`query.${name}: given ${all.length} times`);
        continue;
      } else v = coerce(all[0]!, s, validator);
      if (p.schema) errors.push(...validator.validate(p.schema, v, `query.${name}`));
      query[p.name] = v;
    }
    for (const p of declared) {
      if (p.required && p.in === "query" && !(p.name in query)) errors.push(`query.${p.name}: is required`);
      if (p.required && p.in === "header" && req.headers[p.name.toLowerCase()] === undefined) errors.push(`header ${p.name}: is required`);
    }
    // Body
    let body: unknown;
    const rb = op.requestBody?.$ref ? api.resolve<RequestBody>(op.requestBody.$ref) : op.requestBody;
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (raw.length > 0 && !rb) errors.push(`body: ${op.operationId} takes no request body`);
    if (rb) {
      const kinds = Object.keys(rb.content ?? {});
      if (raw.length === 0 && rb.required && !kinds.includes("application/octet-stream")) errors.push("body: is required");
      if (kinds.includes("application/json") && (raw.length > 0 || rb.required)) {
        if (raw.length > 0 && type !== "application/json") errors.push(`content-type: expected application/json, got ${type || "none"}`);
        if (raw.length > 0) {
          try {
            body = JSON.parse(raw.toString("utf8"));
          } catch (err) {
            errors.push(`body: ${(err as Error).message}`);
            return { reply: { status: 400, body: { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" } } };
          }
          const schema = rb.content?.["application/json"]?.schema;
          if (schema) errors.push(...validator.validate(schema, body, "body", true));
        }
      } else if (kinds.includes("application/octet-stream")) {
        // The description says octet-stream; GitHub takes the asset's own media type here and
        // requires one (it becomes the asset's content_type).
        if (!type) errors.push("content-type: required for an upload (the asset's media type)");
        body = { bytes: raw.length, contentType: type };
      } else if (raw.length > 0 && kinds.length > 0 && !kinds.includes(type)) {
        errors.push(`content-type: expected one of ${kinds.join(", ")}, got ${type || "none"}`);
      }
    }
    rec.body = body;
    if (errors.length > 0) {
      return {
        reply: validationFailed(
          errors.map((e) => ({ resource: op.operationId, code: "invalid", field: e.split(":")[0], message: e })),
          `Invalid request.\n\n${errors.join("\n")}`,
        ),
      };
    }
    return { ctx: { params, query, body, raw, headers: req.headers } };
  }

  function checkResponse(op: Operation | undefined, reply: Reply): string[] {
    if (!validateResponses || !op) return [];
    const s = String(reply.status);
    let r = op.responses[s] ?? op.responses[`${s[0]}XX`] ?? op.responses.default;
    if (r?.$ref) r = api.resolve<Response>(r.$ref);
    // GitHub's error answers always carry a JSON body, also where the description lists the status without
    // one (upload-release-asset's 422) or not at all (401/403/404/5xx on most operations).
    if (reply.status >= 400 && !r?.content) {
      const error = api.schema(reply.status === 422 ? "validation-error" : "basic-error");
      return reply.body === undefined ? [] : validator.validate(error, reply.body, "response");
    }
    if (!r) return [`response: status ${reply.status} is not documented for ${op.operationId}`];
    const schema = r.content?.["application/json"]?.schema;
    if (!r.content && reply.body !== undefined) return [`response: status ${reply.status} of ${op.operationId} has no body`];
    if (r.content && !schema) return [];
    return schema ? validator.validate(schema, reply.body, "response") : [];
  }

  function send(res: ServerResponse, reply: Reply) {
    const headers: Record<string, string> = {
      "x-github-request-id": `STANDIN:${requests.length}`,
      "x-github-media-type": "github.v3; format=json",
      ...reply.headers,
    };
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res
      .writeHead(reply.status, {
        ...headers,
        "content-type": "application/json; charset=utf-8",
        "content-length": String(Buffer.byteLength(text)),
      })
      .end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, origin: string) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", origin);
    const method = (req.method ?? "GET").toLowerCase();
    const uploads = url.pathname === "/uploads" || url.pathname.startsWith("/uploads/");
    const server = uploads ? "uploads" : "api";
    const path = uploads ? url.pathname.slice("/uploads".length) || "/" : url.pathname;
    const rec: RecordedRequest = {
      method: method.toUpperCase(),
      path: url.pathname,
      query: url.search,
      server,
      valid: true,
      errors: [],
      status: 0,
      responseErrors: [],
    };
    requests.push(rec);
    const { best, pathKnown } = findOperation(method, path, server);
    if (!best) {
      rec.valid = false;
      rec.errors.push(
        pathKnown
          ? `no operation ${rec.method} ${path} on ${server === "uploads" ? "https://uploads.github.com" : "the API root"}`
          : `no path ${path} in GitHub's description`,
      );
      rec.status = 404;
      send(res, notFound());
      return;
    }
    const { route, op } = best;
    rec.template = route.template;
    rec.operationId = op.operationId;
    const checked = checkRequest(req, rec, route, op, best.values, url, raw);
    if (checked.reply) {
      rec.valid = false;
      rec.status = checked.reply.status;
      send(res, checked.reply);
      return;
    }
    const fault = faults.find((f) => f.left > 0 && (f.operationId === undefined || f.operationId === op.operationId));
    const c: Ctx = { ...checked.ctx!, self: url, api: origin, uploads: `${origin}/uploads`, login };
    const handler = handlers[op.operationId];
    if (fault) {
      fault.left--;
      rec.injected = true;
      if (fault.commit && handler) rec.responseErrors.push(...checkResponse(op, handler(c)));
      rec.status = fault.status;
      send(res, {
        status: fault.status,
        headers: fault.headers,
        body: { message: fault.message ?? `stand-in: injected ${fault.status}`, documentation_url: DOCS, status: String(fault.status) },
      });
      return;
    }
    let reply: Reply;
    if (!handler) {
      rec.responseErrors.push(`the stand-in has no fake for ${op.operationId}`);
      reply = { status: 501, body: { message: `stand-in: ${op.operationId} is valid but not faked`, documentation_url: DOCS } };
    } else {
      reply = handler(c);
      rec.responseErrors.push(...checkResponse(op, reply));
    }
    rec.status = reply.status;
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res, origin).catch((err: unknown) => {
      const rec = requests.at(-1);
      rec?.responseErrors.push(`stand-in crashed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "stand-in crashed", documentation_url: DOCS }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    uploadsUrl: `${origin}/uploads`,
    requests,
    state,
    openapi: { file: api.file, version: api.version, loadMs: api.loadMs, operations: api.operations },
    fail(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    seedComment(c) {
      const t = now();
      const k: FakeComment = { id: id(), user: login, created_at: t, updated_at: t, ...c };
      state.comments.push(k);
      return k;
    },
    issueToken(permissions) {
      const token = `ghs_${randomBytes(27).toString("base64url")}`;
      tokens.set(token, tokenPermissions(permissions));
      return token;
    },
    permissionsOf(token) {
      const p = tokens.get(token);
      return p === "all" ? undefined : p;
    },
    seedPull(p) {
      const k: FakePull = { head_ref: "feature", base_ref: "main", title: "A pull request", state: "open", ...p };
      state.pulls.push(k);
      return k;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Fails unless every request the stand-in saw was valid and answered by a fake with a schema-valid body. */
export function assertAllValid(standIn: Pick<GitHubStandIn, "requests">): void {
  const problems = standIn.requests
    .filter((r) => !r.valid || r.responseErrors.length > 0)
    .map(
      (r) =>
        `${r.method} ${r.path}${r.query} (${r.operationId ?? "no operation"}) -> ${r.status}: ${[...r.errors, ...r.responseErrors].join("; ")}`,
    );
  assert.deepEqual(problems, [], `the GitHub stand-in saw problems:\n${problems.join("\n")}`);
}
