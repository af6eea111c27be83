import { mkdir, rename, rm, readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where content-addressed entries live: KIMIGAYO_CACHE, else $XDG_CACHE_HOME/kimigayo, else ~/.cache/kimigayo. */
export function cacheRoot(): string {
  if (process.env.KIMIGAYO_CACHE) return process.env.KIMIGAYO_CACHE;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), ".cache"), "kimigayo");
}

const TMP_PREFIX = ".tmp-";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A content-addressed entry: `dir/key` exists only when complete. It is produced in a temporary
 * sibling and renamed into place, so a failed or interrupted producer never leaves an entry behind.
 * Temporaries of dead processes are swept on the next call.
 */
export async function cachedEntry(
  dir: string,
  key: string,
  produce: (tmpDir: string) => Promise<void>,
): Promise<{ path: string; hit: boolean }> {
  const final = join(dir, key);
  if (await exists(final)) return { path: final, hit: true };
  await mkdir(dir, { recursive: true });
  await sweepStale(dir);
  const tmp = join(dir, `${TMP_PREFIX}${key}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(tmp, { recursive: true });
  try {
    await produce(tmp);
    try {
      await rename(tmp, final);
    } catch (e) {
      // Another process finished the same entry first: theirs is as good as ours.
      if (!(await exists(final))) throw e;
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { path: final, hit: false };
}

async function sweepStale(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const pid = Number(/-(\d+)-[a-z0-9]+$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
