/**
 * The commands case: the everyday text tools on a generated data set of fixed size, the same
 * bytes on every run and every machine. It is mounted read-only at /bench-data; each command runs
 * as `sh -c 'CMD >/dev/null'`, so its output costs nothing to ship back.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const DATA_MOUNT = "/bench-data";

export const DATASET = { lines: 40_000, dirs: 16, filesPerDir: 32 } as const;

export interface BenchCommand {
  name: string;
  script: string;
}

/** `sh` alone is the floor of this case: what docker exec and a shell cost before any tool runs. */
export const BENCH_COMMANDS: readonly BenchCommand[] = [
  { name: "sh", script: ":" },
  { name: "ls", script: `ls -lR ${DATA_MOUNT}/tree` },
  { name: "grep", script: `grep -c kimigayo ${DATA_MOUNT}/text` },
  { name: "find", script: `find ${DATA_MOUNT}/tree -name '*7*'` },
  { name: "awk", script: `awk '{ s += $3 } END { print s }' ${DATA_MOUNT}/text` },
  { name: "sort", script: `sort ${DATA_MOUNT}/text` },
  { name: "cat", script: `cat ${DATA_MOUNT}/text` },
  { name: "wc", script: `wc -l ${DATA_MOUNT}/text` },
  { name: "head", script: `head -n 1000 ${DATA_MOUNT}/text` },
];

export function commandArgv(c: BenchCommand): string[] {
  return ["sh", "-c", `${c.script} >/dev/null`];
}

const WORDS = ["alpha", "kimigayo", "busybox", "static", "musl", "init", "docker", "layer", "tiny", "boot", "shell", "cron"];

/** The data set's text: one line per record, "NNNNNN word number word", from a fixed pseudo-random sequence. */
export function datasetText(lines: number = DATASET.lines): string {
  let x = 2463534242; // xorshift32: the same numbers everywhere
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(`${String(i).padStart(6, "0")} ${WORDS[next() % WORDS.length]} ${next() % 100000} ${WORDS[next() % WORDS.length]}`);
  }
  return `${out.join("\n")}\n`;
}

/** Writes the data set to `dir` (text + a tree of small files); returns its size. */
export async function writeDataset(dir: string): Promise<{ lines: number; textBytes: number; files: number }> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const text = datasetText();
  await writeFile(join(dir, "text"), text);
  let files = 0;
  for (let d = 0; d < DATASET.dirs; d++) {
    const sub = join(dir, "tree", `dir${String(d).padStart(2, "0")}`);
    await mkdir(sub, { recursive: true });
    for (let f = 0; f < DATASET.filesPerDir; f++) {
      await writeFile(join(sub, `file${String(f).padStart(3, "0")}.txt`), `${d} ${f}\n`);
      files++;
    }
  }
  return { lines: DATASET.lines, textBytes: Buffer.byteLength(text), files };
}
