/** QEMU user emulation for arm64 through the kernel's binfmt_misc. */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, runChecked } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import type { CheckResult } from "./types.js";

const BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
const ENTRY = `${BINFMT_DIR}/qemu-aarch64`;

export interface BinfmtEntry {
  enabled: boolean;
  interpreter?: string;
  /** The flags line ("PF", "OCF"), undefined when the kernel shows none. */
  flags?: string;
}

export function parseBinfmtEntry(text: string): BinfmtEntry {
  const lines = text.split("\n").map((l) => l.trim());
  const entry: BinfmtEntry = { enabled: lines[0] === "enabled" };
  for (const line of lines) {
    if (line.startsWith("interpreter ")) entry.interpreter = line.slice("interpreter ".length);
    else if (line.startsWith("flags:")) entry.flags = line.slice("flags:".length).trim();
  }
  return entry;
}

function binfmtMounted(): boolean {
  return existsSync(`${BINFMT_DIR}/register`) || existsSync(`${BINFMT_DIR}/status`);
}

/**
 * The smallest static arm64 Linux program: one ELF header, one PT_LOAD segment and three
 * instructions that call exit(42). Running it proves the kernel hands arm64 binaries to QEMU.
 */
export function tinyArm64Exit42(): Buffer {
  const base = 0x400000n;
  const code = [0xd2800540 /* mov x0, #42 */, 0xd2800ba8 /* mov x8, #93 (exit) */, 0xd4000001 /* svc #0 */];
  const size = 64 + 56 + code.length * 4;
  const b = Buffer.alloc(size);
  b.write("\x7fELF", 0, "latin1");
  b[4] = 2; // ELFCLASS64
  b[5] = 1; // little endian
  b[6] = 1; // EV_CURRENT
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(183, 18); // EM_AARCH64
  b.writeUInt32LE(1, 20); // e_version
  b.writeBigUInt64LE(base + 120n, 24); // e_entry
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(64, 52); // e_ehsize
  b.writeUInt16LE(56, 54); // e_phentsize
  b.writeUInt16LE(1, 56); // e_phnum
  b.writeUInt32LE(1, 64); // p_type PT_LOAD
  b.writeUInt32LE(5, 68); // p_flags R+X
  b.writeBigUInt64LE(0n, 72); // p_offset
  b.writeBigUInt64LE(base, 80); // p_vaddr
  b.writeBigUInt64LE(base, 88); // p_paddr
  b.writeBigUInt64LE(BigInt(size), 96); // p_filesz
  b.writeBigUInt64LE(BigInt(size), 104); // p_memsz
  b.writeBigUInt64LE(0x1000n, 112); // p_align
  code.forEach((insn, i) => b.writeUInt32LE(insn, 120 + i * 4));
  return b;
}

/** Runs the tiny arm64 program; undefined when it exits 42 as it should, else what went wrong. */
async function runArm64Probe(): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-binfmt-"));
  const file = join(dir, "exit42-arm64");
  try {
    writeFileSync(file, tinyArm64Exit42());
    chmodSync(file, 0o755);
    const r = await run(file, [], { timeoutMs: 10_000 });
    return r.code === 42 ? undefined : `an arm64 test program exited with ${r.code} instead of 42`;
  } catch (e) {
    return `an arm64 test program could not run (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function checkBinfmt(): Promise<CheckResult> {
  if (!binfmtMounted()) return { ok: false, detail: `binfmt_misc is not mounted at ${BINFMT_DIR}` };
  if (!existsSync(ENTRY)) return { ok: false, detail: "no qemu-aarch64 handler is registered in binfmt_misc" };
  const entry = parseBinfmtEntry(readFileSync(ENTRY, "utf8"));
  const flags = entry.flags === undefined ? "no flags shown" : `flags ${entry.flags || "(none)"}`;
  const desc = `qemu-aarch64 ${entry.enabled ? "enabled" : "disabled"}, ${flags}, interpreter ${entry.interpreter ?? "?"}`;
  if (!entry.enabled) return { ok: false, detail: desc };
  if (entry.flags !== undefined && !entry.flags.includes("F")) {
    return { ok: false, detail: `${desc}: without the F (fix-binary) flag containers cannot find the interpreter` };
  }
  const failure = await runArm64Probe();
  if (failure) return { ok: false, detail: `${desc}; ${failure}` };
  return { ok: true, detail: `${desc}; an arm64 test program ran` };
}

/** Mounts binfmt_misc when it is not; returns the actions taken. */
export async function mountBinfmt(): Promise<string[]> {
  if (binfmtMounted()) return [];
  const r = await run("mount", ["-t", "binfmt_misc", "binfmt_misc", BINFMT_DIR]);
  if (r.code !== 0) {
    throw new Error(
      `mount -t binfmt_misc binfmt_misc ${BINFMT_DIR} failed: ${r.stderr.trim()} ` +
        "(inside a container, run it privileged or mount binfmt_misc on the host)",
    );
  }
  return [`mount -t binfmt_misc binfmt_misc ${BINFMT_DIR}`];
}

/** Registers (or re-enables) qemu-aarch64 with the flags from binfmt-support's qemu-user-static entry. */
export async function enableBinfmt(log: Logger): Promise<string[]> {
  const actions = await mountBinfmt();
  if (existsSync(ENTRY)) {
    const entry = parseBinfmtEntry(readFileSync(ENTRY, "utf8"));
    if (entry.flags !== undefined && !entry.flags.includes("F")) {
      // Registered by something else without fix-binary: drop it so update-binfmts can register ours.
      writeFileSync(ENTRY, "-1");
      actions.push(`unregistered qemu-aarch64 (flags ${entry.flags || "none"}, no F)`);
    } else if (!entry.enabled) {
      writeFileSync(ENTRY, "1");
      actions.push("enabled qemu-aarch64 (echo 1 > /proc/sys/fs/binfmt_misc/qemu-aarch64)");
    }
  }
  if (!existsSync(ENTRY)) {
    const r = await runChecked("update-binfmts", ["--enable"]);
    log.debug(r.stderr.trim());
    actions.push("update-binfmts --enable");
  }
  return actions;
}
