import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** The one sha256 helper: hex of bytes or a string (UTF-8), or of a file read as a stream (sha256File). */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (b) => h.update(b))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}
