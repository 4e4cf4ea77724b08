/**
 * The start of a file as text, for sniffing text formats (XML, JSON, YAML, GraphQL). Returns null
 * for binary content (a NUL byte in the first KiB), so binary files cost the text sniffers nothing.
 * A leading UTF-8 BOM is removed. Never throws.
 */
export function textHead(head: Uint8Array, maxBytes = 16 * 1024): string | null {
  if (head.subarray(0, 1024).includes(0)) return null;
  return new TextDecoder().decode(head.subarray(0, maxBytes)).replace(/^\uFEFF/, "");
}
