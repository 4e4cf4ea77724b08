/** Plain-text layout for reports that fit a terminal: sections of `key  value` lines, cut with `…`. */

export const REPORT_WIDTH = 100;

/** Narrower than this, a report's lines are cut at it (they overflow) rather than to a stub of each value. */
export const REPORT_MIN_WIDTH = 40;

/** The report's width: the terminal's (io.ts `display.width`) between 40 and 100; 100 when none is known. */
export function reportWidth(terminal: number | undefined): number {
  return terminal === undefined ? REPORT_WIDTH : Math.max(REPORT_MIN_WIDTH, Math.min(REPORT_WIDTH, terminal));
}

/** Display width in code points (as renderTable counts). */
export function textWidth(s: string): number {
  return [...s].length;
}

/** One line: control characters (newlines, tabs) become spaces. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

/** `s` cut to `w` columns, its last one an ellipsis when it was longer. */
export function fit(s: string, w: number): string {
  const cps = [...s];
  if (cps.length <= w) return s;
  return w <= 0 ? "" : cps.slice(0, w - 1).join("") + "…";
}

export function pad(s: string, w: number): string {
  return s + " ".repeat(Math.max(0, w - textWidth(s)));
}


/** A report section being written: a heading, then indented lines, each cut to the width unless `full`. */
export class Section {
  readonly lines: string[] = [];
  constructor(
    readonly heading: string,
    private readonly width: number,
    private readonly full: boolean,
  ) {}

  line(text: string, indent = 2): this {
    const s = " ".repeat(indent) + oneLine(text);
    this.lines.push(this.full ? s : fit(s, this.width));
    return this;
  }

  /** `Key           value` (the key padded to 16 columns). */
  field(key: string, value: string | undefined | null): this {
    if (value === undefined || value === null || value === "") return this;
    return this.line(`${pad(key, 16)}${oneLine(value)}`);
  }

  render(): string {
    return [this.heading, ...this.lines].join("\n");
  }
}

/** Sections with lines, a blank line between them. */
export function renderSections(sections: Section[]): string {
  return sections
    .filter((s) => s.lines.length > 0)
    .map((s) => s.render())
    .join("\n\n");
}
