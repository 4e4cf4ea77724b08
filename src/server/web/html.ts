/**
 * HTML built only through the `html` tag: every interpolated value is escaped unless it is already Html (made by
 * this tag), so text from the store (names, annotations, statements) can never become markup.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(part: Part): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  if (part === null || part === undefined || part === false) return "";
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((p, i) => (out += render(p) + strings[i + 1]!));
  return new Html(out);
}

/** A link target built from fixed path segments and query values, each percent-encoded. */
export function href(path: readonly string[], query: Record<string, string | number | undefined> = {}): string {
  const q = Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined);
  const search = q.length ? `?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&")}` : "";
  return `/${path.map(encodeURIComponent).join("/")}${search}`;
}

/** Only http(s) URLs from the store (a run's runner URL) become links; anything else (javascript:, data:) stays text. */
export function externalLink(url: string | null): Html {
  if (!url) return html``;
  return /^https?:\/\//i.test(url) ? html`<a href="${url}" rel="noreferrer noopener">${url}</a>` : html`<span>${url}</span>`;
}
