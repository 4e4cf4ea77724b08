import { readFileSync } from "node:fs";
import { inputFiles, readDocs, type ApplyResult } from "../services/control/apply.ts";
import { renamingSource, type HttpDeps } from "./http-util.ts";

/**
 * `cairn apply -f FILE|DIR` against `cairn serve`: the files are read and split into documents here (with the same
 * parser, so a bad document is named by its file and line as locally), then sent as one multi-document body, so the
 * server applies all of them or none. The server names documents `body#N`; they are mapped back to `FILE#n`.
 */
export async function applyRemote({ client, reporter, cwd }: HttpDeps, input: { path: string; dryRun?: boolean }): Promise<ApplyResult> {
  const docs = inputFiles(cwd, input.path).flatMap((f) => readDocs(f.shown, readFileSync(f.full, "utf8")));
  const text = joinDocuments(docs.map((d) => d.loaded.body));
  const sources = docs.map((d) => d.source);
  const rename = (s: string) =>
    s.replace(/body#(\d+)/g, (whole, n: string) => sources[Number(n) - 1] ?? whole).replace(/^the request body(?=:)/, `-f ${input.path}`);
  const call = client.json<ApplyResult>("POST", "/api/v1/apply", { raw: text, query: { dryRun: input.dryRun === true }, headers: { "Content-Type": "application/yaml" } }, (m) =>
    reporter.warn(rename(m)),
  );
  const r = await renamingSource(call, rename);
  return { ...r, items: r.items.map((item, i) => ({ ...item, source: sources[i] ?? item.source })) };
}

/** A document start marker, possibly after comments and blank lines. */
const STARTS_DOCUMENT = /^(?:[ \t]*(?:#[^\n]*)?\n)*---(?:[ \t\n]|$)/;

/**
 * One YAML stream holding exactly these documents, in order, so the server's document N is the Nth one here. A
 * document that does not start with `---` (its file's first) gets one; a JSON document instead follows an end
 * marker (`...`) after the previous one, so it still starts with `{` and is stored as JSON, as locally.
 */
export function joinDocuments(bodies: string[]): string {
  const pieces = bodies.map((b) => (b.endsWith("\n") ? b : `${b}\n`));
  return pieces
    .map((b, i) => {
      if (i === 0 || STARTS_DOCUMENT.test(b)) return b;
      if (b.trimStart().startsWith("{")) return pieces[i - 1]!.endsWith("\n...\n") ? b : `...\n${b}`;
      return `---\n${b}`;
    })
    .join("");
}
