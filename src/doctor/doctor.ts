import { CheckFailure, UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { aptInstall, aptUpdate, notInstalled, unavailable } from "./apt.js";
import { run } from "../lib/exec.js";
import { isRoot } from "./host.js";
import { arm64PackageMissingHint, PREREQUISITES } from "./prerequisites.js";
import type { CheckResult, DoctorItem, DoctorResult, Prerequisite } from "./types.js";

/**
 * The prerequisites in an order where each comes after the ones it needs, otherwise keeping the
 * table order. With `only`, the chosen ones plus everything they need. Unknown ids and cycles throw.
 */
export function orderPrerequisites(list: readonly Prerequisite[], only?: readonly string[]): Prerequisite[] {
  const byId = new Map(list.map((p) => [p.id, p]));
  for (const id of only ?? []) {
    if (!byId.has(id)) throw new UsageError(`unknown prerequisite "${id}"; known: ${list.map((p) => p.id).join(", ")}`);
  }
  const ordered: Prerequisite[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: Prerequisite, path: string[]): void => {
    if (state.get(p.id) === "done") return;
    if (state.get(p.id) === "visiting") throw new Error(`prerequisites form a cycle: ${[...path, p.id].join(" → ")}`);
    state.set(p.id, "visiting");
    for (const need of p.needs ?? []) {
      const dep = byId.get(need);
      if (!dep) throw new Error(`prerequisite "${p.id}" needs unknown "${need}"`);
      visit(dep, [...path, p.id]);
    }
    state.set(p.id, "done");
    ordered.push(p);
  };
  const roots = only ? list.filter((p) => only.includes(p.id)) : list;
  for (const p of roots) visit(p, []);
  return ordered;
}

async function safeCheck(p: Prerequisite): Promise<CheckResult> {
  try {
    return await p.check();
  } catch (e) {
    return { ok: false, detail: `check failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Per prerequisite id: the actions taken and the reason a fix did not succeed. */
interface FixLedger {
  actions: Map<string, string[]>;
  errors: Map<string, string[]>;
}

function note(map: Map<string, string[]>, id: string, text: string): void {
  map.set(id, [...(map.get(id) ?? []), text]);
}

/**
 * One `apt-get update` and one `apt-get install` for the packages every failing prerequisite
 * lacks. Packages apt cannot find are left out and reported on their prerequisite.
 */
async function installMissingPackages(failing: readonly Prerequisite[], ledger: FixLedger, log: Logger): Promise<void> {
  const wanted = new Map<string, string[]>();
  for (const p of failing) {
    if (!p.missingPackages) continue;
    try {
      const pkgs = await notInstalled(await p.missingPackages());
      if (pkgs.length > 0) wanted.set(p.id, pkgs);
    } catch (e) {
      note(ledger.errors, p.id, message(e));
    }
  }
  for (const p of failing) {
    const pkgs = wanted.get(p.id);
    if (!pkgs || !p.beforeInstall) continue;
    try {
      for (const a of await p.beforeInstall(log, pkgs)) {
        log.info(`${p.title}: ${a}`);
        note(ledger.actions, p.id, a);
      }
    } catch (e) {
      note(ledger.errors, p.id, message(e));
      wanted.delete(p.id);
    }
  }
  if (wanted.size === 0) return;

  const first = [...wanted.keys()][0] ?? "";
  let end = log.step("apt-get update");
  try {
    await aptUpdate(log);
    note(ledger.actions, first, "apt-get update");
    end();
  } catch (e) {
    end(e);
    // Often a third-party source fails while Debian's lists are fine: go on, install says if not.
    log.warn(`apt-get update failed, trying to install anyway: ${message(e)}`);
  }

  const all = [...new Set([...wanted.values()].flat())];
  const absent = new Set(await unavailable(all));
  for (const [id, pkgs] of wanted) {
    const gone = pkgs.filter((p) => absent.has(p));
    if (gone.length === 0) continue;
    const hint = gone.some((p) => p.endsWith(":arm64")) ? `; ${arm64PackageMissingHint()}` : "";
    note(ledger.errors, id, `apt has no installation candidate for ${gone.join(", ")}${hint}`);
    wanted.set(
      id,
      pkgs.filter((p) => !absent.has(p)),
    );
  }
  const install = all.filter((p) => !absent.has(p));
  if (install.length === 0) return;

  end = log.step(`apt-get install ${install.join(" ")}`);
  try {
    await aptInstall(install, log);
    for (const [id, pkgs] of wanted) {
      if (pkgs.length > 0) note(ledger.actions, id, `apt-get install ${pkgs.join(" ")}`);
    }
    end();
  } catch (e) {
    end(e);
    for (const id of wanted.keys()) note(ledger.errors, id, message(e));
  }
}

export interface DoctorRequest {
  fix: boolean;
  only?: string[];
  log: Logger;
  /**
   * How a non-root user fixes: runs `doctor --fix --only IDS` with root's rights (the CLI again,
   * through passwordless sudo, as on GitHub's hosted runners) and returns what it did per id.
   * Absent, or without passwordless sudo: --fix as non-root fails, naming what is missing.
   */
  elevate?: (ids: string[]) => Promise<Map<string, string[]>>;
}

/**
 * Checks each prerequisite; with `fix`, installs the missing packages in one apt-get call, then
 * runs the remaining fixes in dependency order and checks again. Only a fix that is needed runs,
 * so a second `--fix` does nothing.
 */
export async function doctor(opts: DoctorRequest): Promise<DoctorResult> {
  const { log } = opts;
  const list = orderPrerequisites(PREREQUISITES, opts.only);
  const status = new Map<string, CheckResult>();
  await Promise.all(list.map(async (p) => status.set(p.id, await safeCheck(p))));
  const ledger: FixLedger = { actions: new Map(), errors: new Map() };

  const failing = list.filter((p) => !status.get(p.id)?.ok);
  if (opts.fix && failing.length > 0 && !isRoot()) {
    if (!opts.elevate || !(await hasPasswordlessSudo())) {
      const todo = failing.map((p) => `  ✗ ${p.title} — ${status.get(p.id)?.detail ?? ""}\n      ${p.fixHint}`).join("\n");
      throw new CheckFailure(
        `doctor --fix installs packages and starts daemons: run it as root, or as a user with passwordless sudo (as on GitHub's runners): sudo kimigayo doctor --fix\n${todo}`,
      );
    }
    try {
      for (const [id, actions] of await opts.elevate(failing.map((p) => p.id))) for (const a of actions) note(ledger.actions, id, a);
    } catch (e) {
      for (const p of failing) note(ledger.errors, p.id, message(e));
    }
    await Promise.all(failing.map(async (p) => status.set(p.id, await safeCheck(p))));
  } else if (opts.fix && failing.length > 0) {
    await installMissingPackages(failing, ledger, log).catch((e: unknown) => {
      for (const p of failing) if (p.missingPackages) note(ledger.errors, p.id, message(e));
    });
    for (const p of failing) {
      const blocked = (p.needs ?? []).filter((n) => status.get(n)?.ok === false);
      if (blocked.length > 0) {
        note(ledger.errors, p.id, `not fixed: needs ${blocked.join(", ")}`);
      } else if (p.fix) {
        try {
          for (const a of await p.fix(log)) {
            log.info(`${p.title}: ${a}`);
            note(ledger.actions, p.id, a);
          }
        } catch (e) {
          note(ledger.errors, p.id, message(e));
        }
      }
      status.set(p.id, await safeCheck(p));
    }
  }

  const items: DoctorItem[] = list.map((p) => {
    const s = status.get(p.id) ?? { ok: false, detail: "not checked" };
    const errors = ledger.errors.get(p.id) ?? [];
    const detail = !s.ok && errors.length > 0 ? `${s.detail} (fix failed: ${errors.join("; ")})` : s.detail;
    return { id: p.id, title: p.title, ok: s.ok, detail, fixHint: p.fixHint, fixed: ledger.actions.get(p.id) ?? [] };
  });
  return { ok: items.every((i) => i.ok), items };
}

/** Whether `sudo` runs without asking for a password (GitHub's hosted runners allow it). */
async function hasPasswordlessSudo(): Promise<boolean> {
  const r = await run("sudo", ["-n", "true"], { timeoutMs: 10_000 }).catch(() => undefined);
  return r?.code === 0;
}

/** One line per item: "✓ title — detail", or "✗ title — detail" followed by "    fix: fixHint". */
export function formatDoctor(r: DoctorResult): string {
  return r.items.map((i) => (i.ok ? `✓ ${i.title} — ${i.detail}` : `✗ ${i.title} — ${i.detail}\n    fix: ${i.fixHint}`)).join("\n");
}
