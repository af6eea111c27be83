#!/usr/bin/env node
// `npx kimigayo`: the bundled CLI (dist/cli/index.js), so no build step is needed after a clone.
await import("../dist/cli/index.js");
