/** `sha256:<hex>` of bytes or a string: the one digest helper of services that need no material kinds loaded. */
export function sha256(data: string | Uint8Array): string {
  return `sha256:${new Bun.CryptoHasher("sha256").update(data).digest("hex")}`;
}
