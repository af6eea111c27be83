/**
 * The files the busybox stage keeps next to each cached binary for size attribution, and their
 * reading back: the link map BusyBox's trylink writes (busybox_unstripped.map, with --cref),
 * gzipped; the Kbuild lines of the build tree; the final .config.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { attribute, enabledOptions, parseKbuild, type Attribution, type KbuildObject } from "./attribution.js";

/** Added to the link flags: the link map's cross-reference table (which file uses which). */
export const ATTRIBUTION_LDFLAGS = "-Wl,--cref";

export const ATTRIBUTION_FILES = { map: "busybox.map.gz", kbuild: "kbuild.json", config: "busybox.config" } as const;

/** Every Kbuild file under the build tree (generated there from Kbuild.src and //kbuild: lines). */
export async function collectKbuild(objDir: string): Promise<KbuildObject[]> {
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

/** Copies the attribution inputs from a finished BusyBox build tree into `outDir` (the cache entry). */
export async function saveAttributionInputs(objDir: string, outDir: string): Promise<void> {
  const map = await readFile(join(objDir, "busybox_unstripped.map"));
  await writeFile(join(outDir, ATTRIBUTION_FILES.map), gzipSync(map, { level: 6 }));
  await writeFile(join(outDir, ATTRIBUTION_FILES.kbuild), `${JSON.stringify({ objects: await collectKbuild(objDir) })}\n`);
  await writeFile(join(outDir, ATTRIBUTION_FILES.config), await readFile(join(objDir, ".config")));
}

const kbuildSchema = z.object({ objects: z.array(z.object({ object: z.string(), option: z.string().nullable() })) });

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
  let map: Buffer, kbuild: string, config: string;
  try {
    [map, kbuild, config] = await Promise.all([
      readFile(join(dir, ATTRIBUTION_FILES.map)),
      readFile(join(dir, ATTRIBUTION_FILES.kbuild), "utf8"),
      readFile(join(dir, ATTRIBUTION_FILES.config), "utf8"),
    ]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { missing: `no link map beside ${binary} (${code}): the binary was built before attribution was kept; build again` };
  }
  const parsed = kbuildSchema.safeParse(JSON.parse(kbuild));
  if (!parsed.success) return { missing: `${join(dir, ATTRIBUTION_FILES.kbuild)} is not a Kbuild object list` };
  return {
    attribution: attribute({
      map: gunzipSync(map).toString("utf8"),
      kbuild: parsed.data.objects,
      enabled: enabledOptions(config),
      binarySize,
      applets,
    }),
  };
}
