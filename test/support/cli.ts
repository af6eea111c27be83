import { Writable } from "node:stream";
import { main } from "../../src/cli/main.js";

/** A writable stream that keeps what is written to it. */
export function memory(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

/** The CLI in this process: main() with in-memory stdout and stderr. */
export async function cliInProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = memory();
  const err = memory();
  const code = await main(argv, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
