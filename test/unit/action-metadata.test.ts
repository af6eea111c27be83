/**
 * action.yml against the rules GitHub applies when the action is published to the Marketplace,
 * which are otherwise seen only at release time (the Marketplace validates action.yml at the tag):
 * - `description` under 125 characters (the release form: "Description must be less than 125
 *   characters");
 * - `name` present, short, and not a bare word that a GitHub user, organisation or Marketplace
 *   category could hold (the name must be unique on the Marketplace);
 * - `branding.color` one of the colours of GitHub's metadata syntax reference, and
 *   `branding.icon` one of the Feather icons that reference lists as supported (not one of the
 *   omitted ones);
 * - `runs.using: node24`, and `runs.main` a file committed in the repository, since GitHub runs
 *   the action from the files of the tag, not from a build.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** GitHub's metadata syntax reference, `branding.color`. */
export const BRANDING_COLORS = ["white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"];

/**
 * A subset of the icons GitHub's metadata syntax reference lists as supported for
 * `branding.icon` (Feather v4.28.0): the ones that fit a build/packaging action. Add to it from
 * that list when the icon changes.
 */
export const BRANDING_ICONS = [
  "activity",
  "anchor",
  "archive",
  "award",
  "box",
  "check-circle",
  "code",
  "cpu",
  "database",
  "disc",
  "download-cloud",
  "feather",
  "git-branch",
  "git-commit",
  "hard-drive",
  "layers",
  "package",
  "play",
  "server",
  "settings",
  "shield",
  "sliders",
  "tag",
  "terminal",
  "truck",
  "upload-cloud",
  "zap",
];

/** Feather icons that GitHub's reference says are omitted (not allowed) for `branding.icon`. */
export const OMITTED_ICONS = [
  "coffee",
  "columns",
  "divide-circle",
  "divide-square",
  "divide",
  "frown",
  "hexagon",
  "key",
  "meh",
  "mouse-pointer",
  "smile",
  "tool",
  "x-octagon",
];

/** The Marketplace's description limit: it must be less than 125 characters. */
export const DESCRIPTION_LIMIT = 125;

interface ActionMetadata {
  name?: unknown;
  description?: unknown;
  branding?: { icon?: unknown; color?: unknown };
  runs?: { using?: unknown; main?: unknown };
}

/** Everything in action.yml's metadata that the Marketplace or the runner would refuse. */
export function metadataProblems(meta: ActionMetadata, fileExists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const { name, description, branding, runs } = meta;
  if (typeof name !== "string" || name.trim() === "") problems.push("name is missing");
  else {
    if (name.length > 64) problems.push(`name is ${name.length} characters; keep it short for the Actions tab and the listing`);
    if (!/\s/.test(name.trim()))
      problems.push(`name "${name}" is one word: a GitHub user, organisation or Marketplace category may hold it`);
  }
  if (typeof description !== "string" || description.trim() === "") problems.push("description is missing");
  else if (description.length >= DESCRIPTION_LIMIT) {
    problems.push(`description is ${description.length} characters; the Marketplace needs fewer than ${DESCRIPTION_LIMIT}`);
  }
  if (!branding) problems.push("branding is missing");
  else {
    if (typeof branding.color !== "string" || !BRANDING_COLORS.includes(branding.color)) {
      problems.push(`branding.color ${String(branding.color)} is not one of ${BRANDING_COLORS.join(", ")}`);
    }
    if (typeof branding.icon !== "string" || OMITTED_ICONS.includes(branding.icon) || !BRANDING_ICONS.includes(branding.icon)) {
      problems.push(`branding.icon ${String(branding.icon)} is not one of the supported Feather icons checked here`);
    }
  }
  if (runs?.using !== "node24") problems.push(`runs.using is ${String(runs?.using)}, not node24`);
  if (typeof runs?.main !== "string" || !fileExists(runs.main))
    problems.push(`runs.main ${String(runs?.main)} is not a file of the action`);
  return problems;
}

function readAction(): ActionMetadata {
  return parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as ActionMetadata;
}

/** A file GitHub would download with the action: present, and committed when this is a git checkout. */
function committedFile(path: string): boolean {
  if (!existsSync(join(ROOT, path))) return false;
  const inGit = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: ROOT, encoding: "utf8" });
  if (inGit.status !== 0) return true;
  return spawnSync("git", ["ls-files", "--error-unmatch", "--", path], { cwd: ROOT, stdio: "ignore" }).status === 0;
}

describe("action.yml meets the Marketplace's rules", () => {
  it("has a short unique-looking name, a description under 125 characters, valid branding, node24 and a committed main", () => {
    assert.deepEqual(metadataProblems(readAction(), committedFile), []);
  });

  it("runs dist/index.js", () => {
    assert.equal(readAction().runs?.main, "dist/index.js");
  });
});

describe("the metadata check itself", () => {
  const good: ActionMetadata = {
    name: "Some Action Name",
    description: "Does one thing.",
    branding: { icon: "package", color: "red" },
    runs: { using: "node24", main: "dist/index.js" },
  };
  const exists = (p: string) => p === "dist/index.js";

  it("passes good metadata", () => {
    assert.deepEqual(metadataProblems(good, exists), []);
  });
  it("fails on a description of 125 characters or more (the old one was 131)", () => {
    assert.deepEqual(metadataProblems({ ...good, description: "x".repeat(124) }, exists), []);
    assert.match(
      metadataProblems({ ...good, description: "x".repeat(125) }, exists).join(),
      /125 characters; the Marketplace needs fewer than 125/,
    );
    assert.match(metadataProblems({ ...good, description: "x".repeat(131) }, exists).join(), /131 characters/);
  });
  it("fails on a missing or one-word name", () => {
    assert.match(metadataProblems({ ...good, name: undefined }, exists).join(), /name is missing/);
    assert.match(metadataProblems({ ...good, name: "kimigayo" }, exists).join(), /one word/);
  });
  it("fails on a colour or icon GitHub does not allow", () => {
    assert.match(metadataProblems({ ...good, branding: { icon: "package", color: "pink" } }, exists).join(), /branding\.color pink/);
    assert.match(metadataProblems({ ...good, branding: { icon: "tool", color: "red" } }, exists).join(), /branding\.icon tool/);
    assert.match(metadataProblems({ ...good, branding: { icon: "github", color: "red" } }, exists).join(), /branding\.icon github/);
    assert.match(metadataProblems({ ...good, branding: undefined }, exists).join(), /branding is missing/);
  });
  it("fails on an older runtime or a main that is not there", () => {
    assert.match(metadataProblems({ ...good, runs: { using: "node20", main: "dist/index.js" } }, exists).join(), /runs\.using is node20/);
    assert.match(metadataProblems({ ...good, runs: { using: "node24", main: "lib/main.js" } }, exists).join(), /runs\.main lib\/main\.js/);
  });
  it("knows GitHub's nine colours and keeps no omitted icon in its allowed list", () => {
    assert.equal(BRANDING_COLORS.length, 9);
    assert.deepEqual(
      BRANDING_ICONS.filter((i) => OMITTED_ICONS.includes(i)),
      [],
    );
  });
});
