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
 *
 * No need is allowed to skip under CI: everything a test uses, doctor can install (buildx too,
 * since its `buildx` prerequisite), and scripts/test.sh fails the run on any skip.
 */
import { PREREQUISITES } from "../../src/doctor/prerequisites.js";

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
  const known = [...PREREQUISITES.map((p) => p.id), ...Object.keys(FACTS)];
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
  if (!strict()) return { skip: lines.join("; "), check: () => {}, missing: lines };
  return {
    skip: false,
    check: () => {
      throw new Error(`this test's prerequisites are missing (no test may skip under CI):\n- ${lines.join("\n- ")}`);
    },
    missing: lines,
  };
}
