/** OCI image layout, digests and the registry client: the one home for these (see DESIGN.md). */
export * from "./types.js";
export * from "./schema.js";
export * from "./digest.js";
export * from "./json.js";
export * from "./gzip.js";
export * from "./layout.js";
export * from "./reference.js";
export * from "./credentials.js";
export * from "./auth.js";
export * from "./errors.js";
export * from "./blob-source.js";
export * from "./registry.js";
export * from "./push.js";
