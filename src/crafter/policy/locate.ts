/** Maps an offset inside a CEL expression back to a line:column of the policy file it was written in. */
import type { Position } from "../contract/tree.ts";

/**
 * `node` is where the YAML/JSON scalar starts. Block scalars (`|`, `>`) start their text on the next line
 * at the block's indentation; quoted scalars one column after the quote. Folded (`>`) blocks and escape
 * sequences can shift the column; the line is exact for `|` blocks and single-line expressions.
 */
export function locate(text: string, node: Position, expr: string, offset: number): Position {
  const before = expr.slice(0, Math.max(0, Math.min(offset, expr.length)));
  const exprLine = before.split("\n").length - 1;
  const exprCol = before.length - (before.lastIndexOf("\n") + 1);
  const lines = text.split("\n");
  const first = (lines[node.line - 1] ?? "").slice(node.column - 1);
  if (first.startsWith("|") || first.startsWith(">")) {
    let start = node.line; // 0-based index of the line after the indicator
    while (start < lines.length && (lines[start] ?? "").trim() === "") start++;
    const indent = /^ */.exec(lines[start] ?? "")?.[0].length ?? 0;
    return { line: start + 1 + exprLine, column: indent + exprCol + 1 };
  }
  const quoted = first.startsWith('"') || first.startsWith("'") ? 1 : 0;
  if (exprLine === 0) return { line: node.line, column: node.column + quoted + exprCol };
  return { line: node.line + exprLine, column: exprCol + 1 };
}
