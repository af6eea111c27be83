/**
 * `applets: { add: [...], remove: [...] }` of a variant: applet names checked against the table
 * scripts/gen-applets.mjs makes from the BusyBox sources (configs/busybox/applets-<version>.json),
 * turned into Kconfig lines and written over the variant's fragment. The build then checks every
 * line of the result took effect, so an applet whose dependencies are off is reported at the
 * applets list item that asked for it.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { DerivedFragment, Origin } from "./schema.js";

const Declaration = z.object({
  if: z.array(z.string().regex(/^CONFIG_[A-Z0-9_]+$/)).min(1),
  unless: z.array(z.string().regex(/^CONFIG_[A-Z0-9_]+$/)).optional(),
  kind: z.string(),
  source: z.string(),
  when: z.string().optional(),
});
const AppletTableSchema = z.object({
  busybox: z.string(),
  applets: z.record(z.string(), z.array(Declaration).min(1)),
});
export type AppletTable = z.output<typeof AppletTableSchema>;

const tables = new Map<string, AppletTable>();

/** Reads (once) and checks an applet table; throws an Error whose message says what is wrong. */
export function readAppletTable(file: string): AppletTable {
  const cached = tables.get(file);
  if (cached) return cached;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`the applet table ${file} cannot be read: ${(err as Error).message}`);
  }
  const r = AppletTableSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`the applet table ${file} is malformed at ${first?.path.join(".") || "(top level)"}: ${first?.message ?? ""}`);
  }
  tables.set(file, r.data);
  return r.data;
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Up to three known names close to `name` (closest first). */
export function closest(name: string, known: Iterable<string>): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return [...known]
    .map((k) => ({ k, d: distance(name.toLowerCase(), k) }))
    .filter((x) => x.d <= limit || (name.length >= 3 && x.k.startsWith(name.toLowerCase())))
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.k);
}

export interface AppletEdit {
  op: "add" | "remove";
  applet: string;
  /** The applets list item that asked for it. */
  origin: Origin;
}

export interface Setting {
  symbol: string;
  value: "y" | "n";
  edit: AppletEdit;
}

/**
 * The Kconfig lines an edit needs. Adding turns on every symbol of the applet's first declaration
 * (e.g. `sh` -> CONFIG_SH_IS_ASH); removing turns off the applet's own symbol in each declaration.
 */
export function settingsFor(table: AppletTable, edit: AppletEdit): Setting[] {
  const decls = table.applets[edit.applet];
  if (!decls) return [];
  if (edit.op === "add") return decls[0]!.if.map((symbol) => ({ symbol, value: "y" as const, edit }));
  return [...new Set(decls.map((d) => d.if[0]!))].map((symbol) => ({ symbol, value: "n" as const, edit }));
}

/** The symbol a fragment line sets (`CONFIG_X=...` or `# CONFIG_X is not set`), if any. */
function symbolOf(line: string): string | undefined {
  return /^\s*(?:# )?(CONFIG_[A-Za-z0-9_]+)(?:=| is not set)/.exec(line)?.[1];
}

/**
 * The fragment with the settings written over it: lines setting the same symbols are dropped and
 * the settings appended, each remembering the applets item it came from.
 */
export function deriveFragment(base: { text: string; origin: (line: number) => Origin }, settings: Setting[]): DerivedFragment {
  const want = new Map<string, Setting>();
  for (const s of settings) want.set(s.symbol, s);
  const lines: string[] = [];
  const origins: Origin[] = [];
  const baseLines = base.text.split("\n");
  if (baseLines.at(-1) === "") baseLines.pop();
  baseLines.forEach((l, i) => {
    const sym = symbolOf(l);
    if (sym !== undefined && want.has(sym)) return;
    lines.push(l);
    origins.push(base.origin(i + 1));
  });
  for (const s of want.values()) {
    lines.push(s.value === "y" ? `${s.symbol}=y` : `# ${s.symbol} is not set`);
    origins.push(s.edit.origin);
  }
  return { text: `${lines.join("\n")}\n`, origins };
}

/**
 * The applets a BusyBox built from `fragment` has, known before any compile: the build starts
 * from allnoconfig, so a symbol is on only when the fragment sets it (and the build refuses a
 * fragment line that does not take effect); an applet is in when one of its declarations has
 * every `if` symbol on and no `unless` symbol on. For the shipped variants this is exactly the
 * compiled applet list (test/unit/busybox-stage.test.ts compares them).
 */
export function appletsOf(table: AppletTable, fragment: string): Set<string> {
  const on = new Set([...fragment.matchAll(/^\s*(CONFIG_[A-Za-z0-9_]+)=y\s*$/gm)].map((m) => m[1]!));
  const out = new Set<string>();
  for (const [name, decls] of Object.entries(table.applets)) {
    if (decls.some((d) => d.if.every((x) => on.has(x)) && !(d.unless ?? []).some((x) => on.has(x)))) out.add(name);
  }
  return out;
}
