// The in-toto v1 field types SLSA provenance is made of (in-toto attestation spec/v1: field_types.md, digest_set.md,
// resource_descriptor.md), each checked into a list of `<json path>: <problem>` errors. "Unset, null and empty are
// equivalent" (SLSA), so an optional field that is null counts as unset.

export type Errors = string[];

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isUnset(v: unknown): boolean {
  return v === undefined || v === null;
}

/** ResourceURI: an RFC 3986 URI (scheme, then no whitespace). */
export function isUri(v: unknown): v is string {
  return typeof v === "string" && /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(v);
}

/** Timestamp: RFC 3339 in UTC (`Z`), a real calendar time. */
export function isTimestamp(v: unknown): v is string {
  if (typeof v !== "string") return false;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(v);
  if (m === null) return false;
  const t = new Date(`${m[1]}Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 19) === m[1];
}

/** Lowercase-hex lengths of the named algorithms (git objects: SHA-1 or SHA-256). Others: any lowercase hex. */
const HEX_LENGTHS: Readonly<Record<string, readonly number[]>> = {
  sha256: [64], sha224: [56], sha384: [96], sha512: [128], sha512_224: [56], sha512_256: [64],
  sha3_224: [56], sha3_256: [64], sha3_384: [96], sha3_512: [128], sha1: [40], md5: [32], ripemd160: [40], sm3: [64],
  dirHash: [64], gitCommit: [40, 64], gitTree: [40, 64], gitBlob: [40, 64], gitTag: [40, 64],
};
const HEX_ANY_LENGTH = new Set(["shake128", "shake256", "blake2b", "blake2s", "gost"]);

/** DigestSet: a non-empty map algorithm → digest; standard algorithms in lowercase hex of their length. */
export function checkDigestSet(v: unknown, path: string, errors: Errors): void {
  if (!isObject(v)) return void errors.push(`${path}: must be an object mapping algorithm to digest`);
  const entries = Object.entries(v);
  if (entries.length === 0) errors.push(`${path}: must name at least one digest`);
  for (const [algo, value] of entries) {
    const at = `${path}.${algo}`;
    if (typeof value !== "string" || value === "") {
      errors.push(`${at}: must be a non-empty string`);
      continue;
    }
    const lengths = HEX_LENGTHS[algo];
    if (lengths !== undefined || HEX_ANY_LENGTH.has(algo)) {
      if (!/^[0-9a-f]+$/.test(value)) errors.push(`${at}: must be lowercase hex`);
      else if (lengths !== undefined && !lengths.includes(value.length)) errors.push(`${at}: must be ${lengths.join(" or ")} hex characters`);
    }
  }
}

/** ResourceDescriptor: at least one of uri, digest, content; each field of its type. */
export function checkResourceDescriptor(v: unknown, path: string, errors: Errors): void {
  if (!isObject(v)) return void errors.push(`${path}: must be an object`);
  if (isUnset(v.uri) && isUnset(v.digest) && isUnset(v.content)) errors.push(`${path}: needs at least one of uri, digest, content`);
  if (!isUnset(v.name) && typeof v.name !== "string") errors.push(`${path}.name: must be a string`);
  if (!isUnset(v.uri) && !isUri(v.uri)) errors.push(`${path}.uri: must be a URI`);
  if (!isUnset(v.digest)) checkDigestSet(v.digest, `${path}.digest`, errors);
  if (!isUnset(v.content) && (typeof v.content !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v.content) || v.content.length % 4 !== 0)) {
    errors.push(`${path}.content: must be standard base64`);
  }
  if (!isUnset(v.downloadLocation) && !isUri(v.downloadLocation)) errors.push(`${path}.downloadLocation: must be a URI`);
  if (!isUnset(v.mediaType) && (typeof v.mediaType !== "string" || !/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(v.mediaType))) {
    errors.push(`${path}.mediaType: must be a media type (type/subtype)`);
  }
  if (!isUnset(v.annotations) && !isObject(v.annotations)) errors.push(`${path}.annotations: must be an object`);
}

/** An optional list of ResourceDescriptors. */
export function checkDescriptors(v: unknown, path: string, errors: Errors): void {
  if (isUnset(v)) return;
  if (!Array.isArray(v)) return void errors.push(`${path}: must be an array`);
  v.forEach((d, i) => checkResourceDescriptor(d, `${path}[${i}]`, errors));
}

/** A required object member: reports it and returns undefined when it is missing or not an object. */
export function requireObject(parent: Record<string, unknown>, key: string, path: string, errors: Errors): Record<string, unknown> | undefined {
  const v = parent[key];
  if (isUnset(v)) errors.push(`${path}: required`);
  else if (!isObject(v)) errors.push(`${path}: must be an object`);
  else return v;
  return undefined;
}
