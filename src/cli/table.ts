/** Box-drawn tables in the style of the Attestation Process guide (go-pretty "light"). */
export interface TableSpec {
  title?: string;
  head?: string[];
  rows: string[][];
}

export function renderTable(spec: TableSpec): string {
  // go-pretty upper-cases column headers, as every table in the guide shows: one rule for all our tables.
  const t = { ...spec, head: spec.head?.map((h) => h.toUpperCase()) };
  const cols = Math.max(t.head?.length ?? 0, ...t.rows.map((r) => r.length), 1);
  const all = [...(t.head ? [t.head] : []), ...t.rows];
  const widths = Array.from({ length: cols }, (_, i) => Math.max(0, ...all.map((r) => width(r[i] ?? ""))));
  const inner = widths.reduce((a, w) => a + w + 3, -1);
  if (t.title && width(t.title) > inner - 2) widths[cols - 1]! += width(t.title) - inner + 2;
  const total = widths.reduce((a, w) => a + w + 3, -1);
  const line = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const row = (cells: string[]) => "│" + widths.map((w, i) => ` ${pad(cells[i] ?? "", w)} `).join("│") + "│";
  const out: string[] = [];
  if (t.title) {
    out.push("┌" + "─".repeat(total) + "┐", `│ ${pad(t.title, total - 2)} │`, line("├", "┬", "┤"));
  } else {
    out.push(line("┌", "┬", "┐"));
  }
  if (t.head) out.push(row(t.head), line("├", "┼", "┤"));
  t.rows.forEach((r, i) => {
    out.push(row(r));
    if (!t.head && i < t.rows.length - 1) out.push(line("├", "┼", "┤"));
  });
  if (t.rows.length === 0 && t.head) out.pop();
  out.push(line("└", "┴", "┘"));
  return out.join("\n");
}

function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number): string {
  return s + " ".repeat(Math.max(0, w - width(s)));
}
