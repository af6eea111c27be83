/**
 * This program's own name and version (package.json), for the records it writes about itself:
 * the SPDX creator ("Tool: kimigayo-build-action-2.1.0"), a provenance's builder version.
 */
import pkg from "../../package.json" with { type: "json" };

export const TOOL_NAME: string = pkg.name;
export const TOOL_VERSION: string = pkg.version;
