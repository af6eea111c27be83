/**
 * The action's own folder, wherever it is unpacked (a clone, `_actions/OWNER/REPO/REF` on a
 * runner, a `git archive`): the nearest folder above the running module that holds both
 * action.yml and configs/kimigayo.yml. From source that module is src/config/builtin.ts (under
 * tsx); bundled, it is dist/index.js or dist/cli/index.js (ncc keeps `import.meta.url` as the
 * bundle's own URL). `base: builtin` and the applet tables are found there.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";

export const BUILTIN_CONFIG = join("configs", "kimigayo.yml");

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/** The nearest folder at or above `start` (a file or a folder) with action.yml and configs/kimigayo.yml. */
export function findActionRoot(start: string): string | undefined {
  let dir = resolve(start);
  if (isFile(dir)) dir = dirname(dir);
  for (;;) {
    if (isFile(join(dir, "action.yml")) && isFile(join(dir, BUILTIN_CONFIG))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Where this module runs from. */
function moduleFile(): string {
  return fileURLToPath(import.meta.url);
}

/** The action's folder, or undefined when this module runs outside one. */
export function actionRoot(): string | undefined {
  return findActionRoot(moduleFile());
}

/** configs/busybox/applets-<version>.json under the action's folder. */
export function appletTableFile(root: string, busyboxVersion: string): string {
  return join(root, "configs", "busybox", `applets-${busyboxVersion}.json`);
}

const inside = (path: string, dir: string) => {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

/**
 * True when `file` is one of the action's own files and the current repository (`cwd`) is another
 * one: a value a downstream user inherited from the built-in configuration rather than wrote. In a
 * clone of this repository (or with `uses: ./` here) the built-in configuration is the user's own.
 */
export function isActionsOwn(file: string, cwd = process.cwd(), root = actionRoot()): boolean {
  return root !== undefined && inside(resolve(file), root) && !inside(resolve(cwd), root);
}
