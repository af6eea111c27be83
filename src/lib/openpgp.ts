/**
 * The binary OpenPGP packets of ASCII-armored blocks. gpgv (2.2, bookworm) reads only binary
 * keyrings, and gpg, which could dearmor, is not always installed.
 */
export function dearmor(text: string): Buffer {
  const blocks: Buffer[] = [];
  const re = /-----BEGIN PGP [A-Z ]+-----\r?\n([\s\S]*?)-----END PGP [A-Z ]+-----/g;
  for (const m of text.matchAll(re)) {
    const body = (m[1] ?? "").split(/\r?\n/);
    const blank = body.findIndex((l) => l.trim() === "");
    const lines = body.slice(blank + 1).filter((l) => l.trim() !== "" && !l.startsWith("="));
    blocks.push(Buffer.from(lines.join(""), "base64"));
  }
  if (blocks.length === 0 || blocks.every((b) => b.length === 0)) throw new Error("no ASCII-armored OpenPGP block found");
  return Buffer.concat(blocks);
}
