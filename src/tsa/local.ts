// The home's own TSA in process (air gap): the same replies `cairn serve` gives over HTTP, without a network.
import { createHash } from "node:crypto";
import type { TimestampAuthority } from "../signing/authorities.ts";
import type { Timestamper } from "./respond.ts";

export function inProcessTimestampAuthority(timestamper: Timestamper, clock: { now(): Date }, name: string): TimestampAuthority {
  return {
    name,
    timestamp(signature) {
      const digest = new Uint8Array(createHash("sha256").update(signature).digest());
      return timestamper.respond({ hashAlgorithm: "sha256", digest, certReq: true, form: "der" }, clock.now());
    },
  };
}
