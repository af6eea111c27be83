/**
 * The files the busybox stage keeps next to each cached binary for size attribution, and their
 * reading back: the link map BusyBox's trylink writes (busybox_unstripped.map, with --cref),
 * gzipped; the Kbuild lines of the build tree; the final .config.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { run } from "../lib/exec.js";
import { attribute, enabledOptions, parseKbuild, type Attribution, type KbuildObject, type Relocations } from "./attribution.js";
import { parseLinkMap } from "./linkmap.js";
import {
  kbuildFileSchema,
  kbuildFileText,
  parseAttributionFile,
  relocationsSchema,
  relocationsText,
} from "../results/attribution-inputs.js";

/** Added to the link flags: the link map's cross-reference table (which file uses which). */
export const ATTRIBUTION_LDFLAGS = "-Wl,--cref";

const ATTRIBUTION_FILES = {
  map: "busybox.map.gz",
  kbuild: "kbuild.json",
  config: "busybox.config",
  relocations: "relocations.json.gz",
} as const;

/**
 * `readelf -rW` output -> file -> section -> the symbols its relocations name. A plain object
 * file is `file`; an archive's members come as "File: lib.a(member.o)" headers.
 */
export function parseRelocations(text: string, file: string): Relocations {
  const out: Relocations = {};
  let cur = file;
  let section: string[] | undefined;
  for (const line of text.split("\n")) {
    let m = /^File: (.+)$/.exec(line);
    if (m) {
      cur = m[1]!;
      section = undefined;
      continue;
    }
    m = /^Relocation section '\.rela?(\.[^']*)'/.exec(line);
    if (m) {
      const byFile = (out[cur] ??= {});
      section = byFile[m[1]!] ??= [];
      continue;
    }
    m = /^\s*[0-9a-f]+\s+[0-9a-f]+\s+\S+\s+[0-9a-f]+\s+([^\s+-][^\s]*)/.exec(line);
    if (m && section && !section.includes(m[1]!)) section.push(m[1]!);
  }
  return out;
}

/** The input files a link map says were loaded ("LOAD x"), relative ones against `dir`. */
export function loadedFiles(mapText: string): string[] {
  const out: string[] = [];
  for (const line of mapText.split("\n")) {
    const m = /^LOAD (.+)$/.exec(line);
    // ld also lists what it made itself (the aarch64 linker's "LOAD linker stubs"): not a file.
    if (m && m[1]!.trim() !== "linker stubs" && !out.includes(m[1]!.trim())) out.push(m[1]!.trim());
  }
  return out;
}

/** Every Kbuild file under the build tree (generated there from Kbuild.src and //kbuild: lines). */
async function collectKbuild(objDir: string): Promise<KbuildObject[]> {
  const out: KbuildObject[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory() && !e.isSymbolicLink() && !e.name.startsWith("include")) await walk(join(dir, e.name));
      else if (e.isFile() && e.name === "Kbuild")
        out.push(...parseKbuild(await readFile(join(dir, e.name), "utf8"), relative(objDir, dir)));
    }
  };
  await walk(objDir);
  return out;
}

/**
 * Copies the attribution inputs from a finished BusyBox build tree into `outDir` (the cache
 * entry): the map, the Kbuild lines, the .config, and the relocations of every section the link
 * kept (`<crossCompile>readelf -rW` of each loaded file), which say which section uses which.
 */
export async function saveAttributionInputs(objDir: string, outDir: string, crossCompile = ""): Promise<void> {
  const map = await readFile(join(objDir, "busybox_unstripped.map"));
  await writeFile(join(outDir, ATTRIBUTION_FILES.map), gzipSync(map, { level: 6 }));
  const text = map.toString("utf8");
  const kept = new Set<string>();
  for (const o of parseLinkMap(text).outputs) for (const i of o.inputs) kept.add(`${i.file}\0${i.section}`);
  const relocations: Relocations = {};
  for (const file of loadedFiles(text)) {
    const r = await run(`${crossCompile}readelf`, ["-rW", file], { cwd: objDir });
    if (r.code !== 0) throw new Error(`${crossCompile}readelf -rW ${file} failed: ${r.stderr.trim()}`);
    for (const [f, sections] of Object.entries(parseRelocations(r.stdout, file))) {
      for (const [section, symbols] of Object.entries(sections)) {
        if (!kept.has(`${f}\0${section}`) || symbols.length === 0) continue;
        (relocations[f] ??= {})[section] = symbols;
      }
    }
  }
  await writeFile(join(outDir, ATTRIBUTION_FILES.relocations), gzipSync(relocationsText(relocations), { level: 6 }));
  await writeFile(join(outDir, ATTRIBUTION_FILES.kbuild), kbuildFileText({ objects: await collectKbuild(objDir) }));
  await writeFile(join(outDir, ATTRIBUTION_FILES.config), await readFile(join(objDir, ".config")));
}

/**
 * The attribution of the binary at `binary` (build.json's busybox.binary), or why there is none:
 * a cache entry from before attribution was kept, or one restored without these files.
 */
export async function loadAttribution(
  binary: string,
  binarySize: number,
  applets: readonly string[],
): Promise<{ attribution: Attribution } | { missing: string }> {
  const dir = dirname(binary);
  let map: Buffer, kbuild: string, config: string, relocations: Buffer;
  try {
    [map, kbuild, config, relocations] = await Promise.all([
      readFile(join(dir, ATTRIBUTION_FILES.map)),
      readFile(join(dir, ATTRIBUTION_FILES.kbuild), "utf8"),
      readFile(join(dir, ATTRIBUTION_FILES.config), "utf8"),
      readFile(join(dir, ATTRIBUTION_FILES.relocations)),
    ]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { missing: `no link map beside ${binary} (${code}): the binary was built before attribution was kept; build again` };
  }
  const parsed = parseAttributionFile(kbuild, join(dir, ATTRIBUTION_FILES.kbuild), kbuildFileSchema, "a Kbuild object list");
  if (!parsed.ok) return { missing: parsed.problem };
  const refs = parseAttributionFile(
    gunzipSync(relocations).toString("utf8"),
    join(dir, ATTRIBUTION_FILES.relocations),
    relocationsSchema,
    "a relocation list (file -> section -> symbols)",
  );
  if (!refs.ok) return { missing: refs.problem };
  return {
    attribution: attribute({
      map: gunzipSync(map).toString("utf8"),
      kbuild: parsed.value.objects,
      enabled: enabledOptions(config),
      relocations: refs.value,
      binarySize,
      applets,
    }),
  };
}
