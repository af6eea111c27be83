/**
 * How to run this program's own CLI again in a child process (for example under sudo): the
 * entry point says so once at start-up, since the action (dist/index.js) and the CLI
 * (dist/cli/index.js, or src/cli.ts under tsx) are different files.
 */
import { dirname, join } from "node:path";

let self: string[] | undefined;

/** The CLI's entry: this process's own script and loader flags (`--import tsx` when run from source). */
export function cliIsSelf(): void {
  self = [process.execPath, ...process.execArgv, process.argv[1] ?? "kimigayo"];
}

/** The action's entry: the bundled CLI sits beside dist/index.js, at dist/cli/index.js. */
export function cliBesideAction(): void {
  self = [process.execPath, join(dirname(process.argv[1] ?? "dist/index.js"), "cli", "index.js")];
}

/** argv[0..] that runs `kimigayo` (add the command and its flags). */
export function selfCommand(): string[] {
  if (!self) throw new Error("internal: the entry point did not say how to run the CLI again (cliIsSelf/cliBesideAction)");
  return [...self];
}
