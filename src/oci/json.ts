/**
 * Canonical JSON: object keys in sorted order (UTF-16 code units, the same as bytewise for the
 * ASCII keys OCI uses, and the order Go's encoding/json writes), no whitespace, keys whose value
 * is undefined left out. The same value always serialises to the same bytes, so manifest and
 * config digests are reproducible.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, "$");
}

export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), "utf8");
}

function encode(v: unknown, path: string): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`canonical JSON: ${path} is ${v}, which JSON cannot represent`);
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) {
    return `[${v.map((item, i) => {
      if (item === undefined) throw new Error(`canonical JSON: ${path}[${i}] is undefined`);
      return encode(item, `${path}[${i}]`);
    })}]`;
  }
  if (typeof v === "object" && isPlainObject(v)) {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, val]) => val !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, val]) => `${JSON.stringify(k)}:${encode(val, `${path}.${k}`)}`).join(",")}}`;
  }
  throw new Error(`canonical JSON: ${path} is a ${typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v}, not a JSON value`);
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
