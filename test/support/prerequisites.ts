/**
 * What a test needs from the host, named by `kimigayo doctor`'s prerequisite ids, so that a
 * missing one is never a silent skip:
 *
 *   const need = await needs("registry", "skopeo");
 *   describe("…", { skip: need.skip }, () => { beforeEach(need.check); … });
 *
 * - Everything present: `skip` is false and `check()` does nothing.
 * - Something missing that `kimigayo doctor --fix` installs or starts: under CI (CI is set) or
 *   scripts/test.sh (KIMIGAYO_TEST_STRICT=1) `skip` is false and `check()` throws an error that
 *   names the doctor id and the fix, so the test fails. Elsewhere (one file run by hand) the
 *   test is skipped with that same text.
 * - Something this machine can never have (ALLOWED_SKIPS: buildx) is skipped everywhere, its
 *   reason starting with ALLOWED_SKIP_MARK; scripts/test.sh refuses any other skip.
 */
import { PREREQUISITES } from "../../src/doctor/prerequisites.js";
import { buildxAvailable } from "../../src/build/buildx.js";

/** What every allowed skip's reason starts with; scripts/test.sh checks the TAP output for it. */
export const ALLOWED_SKIP_MARK = "not available on this machine";

/** Needs that no project script can provide here, with the reason. The only ones allowed to skip under CI. */
export const ALLOWED_SKIPS: Record<string, { reason: string; check: () => Promise<string | undefined> }> = {
  buildx: {
    reason: "buildx has no package in the registries this machine reaches; the repository's GitHub workflow runs these tests",
    check: async () => {
      const b = await buildxAvailable();
      return b.ok ? undefined : `buildx is not available: ${b.reason ?? "unknown reason"}`;
    },
  },
};

/** Needs that are facts of the run rather than packages: doctor cannot fix them, so they fail under CI. */
const FACTS: Record<string, { title: string; fix: string; check: () => string | undefined }> = {
  root: {
    title: "running as root",
    fix: "run the suite as root, as the README's quick start does",
    check: () => (process.getuid?.() === 0 ? undefined : `running as uid ${process.getuid?.()}`),
  },
};

export type NeedId = string;

export interface Need {
  /** For node:test's `skip` option: a reason, or false. */
  skip: string | false;
  /** Throws, naming what is missing and the fix, when a need is missing and skipping is not allowed. */
  check: () => void;
  /** What is missing, one line each (empty when everything is present). */
  missing: string[];
}

export function strict(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) || env.KIMIGAYO_TEST_STRICT === "1";
}

const memo = new Map<string, Promise<string | undefined>>();

/** undefined when present, else one line naming the doctor id (or fact), what is missing and the fix. */
async function problemOf(id: NeedId): Promise<string | undefined> {
  const prerequisite = PREREQUISITES.find((p) => p.id === id);
  if (prerequisite) {
    const r = await prerequisite.check();
    return r.ok
      ? undefined
      : `doctor prerequisite "${id}" (${prerequisite.title}) is missing: ${r.detail}. Fix: kimigayo doctor --fix --only ${id}  (by hand: ${prerequisite.fixHint})`;
  }
  const fact = FACTS[id];
  if (fact) {
    const problem = fact.check();
    return problem ? `"${id}" (${fact.title}) is not met: ${problem}. Fix: ${fact.fix}` : undefined;
  }
  const allowed = ALLOWED_SKIPS[id];
  if (allowed) {
    const problem = await allowed.check();
    return problem ? `${ALLOWED_SKIP_MARK} (${id}): ${problem}; ${allowed.reason}` : undefined;
  }
  const known = [...PREREQUISITES.map((p) => p.id), ...Object.keys(FACTS), ...Object.keys(ALLOWED_SKIPS)];
  throw new Error(`test prerequisite "${id}" is unknown; known: ${known.join(", ")}`);
}

function cached(id: NeedId): Promise<string | undefined> {
  let p = memo.get(id);
  if (!p) memo.set(id, (p = problemOf(id)));
  return p;
}

/** Checks each need once per process; see the file's comment for what the answer means. */
export async function needs(...ids: NeedId[]): Promise<Need> {
  const problems = await Promise.all(ids.map(async (id) => ({ id, problem: await cached(id) })));
  const missing = problems.filter((p) => p.problem !== undefined);
  const lines = missing.map((p) => p.problem!);
  if (missing.length === 0) return { skip: false, check: () => {}, missing: [] };
  const mustFail = strict() && missing.some((p) => !(p.id in ALLOWED_SKIPS));
  if (!mustFail) return { skip: lines.join("; "), check: () => {}, missing: lines };
  return {
    skip: false,
    check: () => {
      throw new Error(
        `this test's prerequisites are missing (CI may skip only ${Object.keys(ALLOWED_SKIPS).join(", ")}):\n- ${lines.join("\n- ")}`,
      );
    },
    missing: lines,
  };
}
