/** A plain-text table; columns listed in `right` are right-aligned. */
export function table(head: string[], rows: string[][], right: number[] = []): string {
  const width = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const cell = (s: string, i: number) => {
    const pad = " ".repeat(width[i]! - [...s].length);
    return right.includes(i) ? pad + s : s + pad;
  };
  const line = (r: string[]) => r.map(cell).join("  ").trimEnd();
  return [line(head), line(width.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
