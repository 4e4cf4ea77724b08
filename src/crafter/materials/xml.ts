import type * as FastXmlParser from "fast-xml-parser";
import { CairnError } from "../../errors.ts";
import { textHead } from "./text-head.ts";

/**
 * XML helpers shared by the XML material kinds (JUnit, JaCoCo, Cobertura).
 *
 * Parsed shape (also the policy projection of the coverage kinds): fast-xml-parser objects with
 * attributes as "@_name" string properties (values are never converted to numbers), element text
 * as "#text" when the element also has attributes, child elements as properties. Elements a kind
 * lists in `arrays` are always arrays, so a policy sees the same shape for one child or many.
 */

/** Where a document's root element starts, as seen in the first bytes. */
export interface XmlHead {
  /** Local name of the root element (namespace prefix removed). */
  root: string;
  /** Text of the root start tag up to its `>` (or to the end of the head when truncated). */
  startTag: string;
  /** The DOCTYPE declaration, or "". */
  doctype: string;
}

/** Index just past the next `token` at or after `from`, or -1. */
function after(s: string, token: string, from: number): number {
  const at = s.indexOf(token, from);
  return at < 0 ? -1 : at + token.length;
}

/** Finds the root element in a file head: skips BOM, XML declaration, PIs, comments and DOCTYPE. Never throws. */
export function sniffXmlRoot(head: Uint8Array): XmlHead | null {
  const s = textHead(head);
  if (s === null) return null;
  let doctype = "";
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i] ?? "")) i++;
    let end: number;
    if (s.startsWith("<?", i)) end = after(s, "?>", i);
    else if (s.startsWith("<!--", i)) end = after(s, "-->", i);
    else if (s.startsWith("<!DOCTYPE", i)) {
      const subset = s.indexOf("[", i);
      const close = s.indexOf(">", i);
      end = subset >= 0 && subset < close ? after(s, "]", subset) : after(s, ">", i);
      if (end > 0 && subset >= 0 && subset < close) end = after(s, ">", end);
      doctype = end > 0 ? s.slice(i, end) : "";
    } else break;
    if (end < 0) return null; // unterminated within the head: not enough to decide
    i = end;
  }
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(s.slice(i, i + 256));
  if (!m?.[1]) return null;
  const close = s.indexOf(">", i);
  const root = m[1].includes(":") ? m[1].slice(m[1].indexOf(":") + 1) : m[1];
  return { root, startTag: s.slice(i, close < 0 ? s.length : close + 1), doctype };
}

function decode(bytes: Uint8Array, fileName: string): string {
  const declared = /^[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(new TextDecoder().decode(bytes.subarray(0, 200)));
  const label = declared?.[1]?.toLowerCase() ?? "utf-8";
  let decoder: TextDecoder;
  try {
    // The label comes from the file; TextDecoder rejects unknown ones with a RangeError.
    decoder = new TextDecoder(label as ConstructorParameters<typeof TextDecoder>[0], { fatal: true });
  } catch {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: declares unsupported XML encoding "${label}"`);
  }
  try {
    return decoder.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is not valid ${label} text`);
  }
}

export interface ParsedXml {
  /** Local name of the root element. */
  root: string;
  /** The root element as an object (see the module comment for the shape). */
  doc: Record<string, unknown>;
}

/** fast-xml-parser, loaded on the first parse: the registry imports this module on every `att add`, few parse XML. */
const fastXml = (): typeof FastXmlParser => require("fast-xml-parser");
/**
 * fast-xml-parser costs ~0.4 s and ~20 bytes of memory per input byte (9 MiB of JUnit: 3.5 s, 207 MiB), and ~40 bytes
 * per byte on one long attribute, text or tag name (8 MiB: 335–369 MiB). These bounds keep a parse within 256 MiB.
 */
export const MAX_XML_CHARS = 8 * 1024 * 1024;
export const MAX_XML_RUN = 2 * 1024 * 1024;

/** Refuses text over the budget, or with a run of over MAX_XML_RUN characters between two `<`. */
function checkXmlBudget(text: string, fileName: string): void {
  const hint = "Split the report (an archive of several reports is read entry by entry), or add it as EVIDENCE or ARTIFACT.";
  if (text.length > MAX_XML_CHARS) {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is ${text.length} characters of XML, over the limit of ${MAX_XML_CHARS}`, { hint });
  }
  for (let at = 0, next = 0; at < text.length; at = next + 1) {
    next = text.indexOf("<", at);
    if (next < 0) next = text.length;
    if (next - at > MAX_XML_RUN) {
      throw new CairnError("MATERIAL_INVALID", `${fileName}: has a single XML value or tag of more than ${MAX_XML_RUN} characters (at offset ${at})`, { hint });
    }
  }
}

/** Checks well-formedness, then parses. Throws CairnError("MATERIAL_INVALID") naming line and column. */
export function parseXml(bytes: Uint8Array, fileName: string, arrays: ReadonlySet<string>): ParsedXml {
  const text = decode(bytes, fileName);
  checkXmlBudget(text, fileName); // before the parser is loaded: over-budget text never pays for it
  const { XMLParser, XMLValidator } = fastXml();
  const check = XMLValidator.validate(text);
  if (check !== true) {
    const { line, col, msg } = check.err;
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is not well-formed XML (line ${line}, column ${col}: ${msg})`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: true,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && arrays.has(name),
  });
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: cannot be parsed as XML (${(e as Error).message})`);
  }
  const root = Object.keys(parsed).find((k) => !k.startsWith("?") && !k.startsWith("#") && !k.startsWith("!"));
  if (root === undefined) throw new CairnError("MATERIAL_INVALID", `${fileName}: has no root element`);
  const value = parsed[root];
  const first = Array.isArray(value) ? value[0] : value;
  return { root, doc: typeof first === "object" && first !== null ? (first as Record<string, unknown>) : {} };
}

/** An attribute value of a parsed element ("" when absent). */
export function attr(el: unknown, name: string): string {
  const v = typeof el === "object" && el !== null ? (el as Record<string, unknown>)[`@_${name}`] : undefined;
  return typeof v === "string" ? v : "";
}

/** Child elements of a parsed element as an array (for tags not listed in `arrays`, too). */
export function children(el: unknown, name: string): Record<string, unknown>[] {
  const v = typeof el === "object" && el !== null ? (el as Record<string, unknown>)[name] : undefined;
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.map((c) => (typeof c === "object" && c !== null ? (c as Record<string, unknown>) : {}));
}
