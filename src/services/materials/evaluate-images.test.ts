import { describe, expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { expectCode } from "../../test-helpers.ts";
import { evaluateMaterial, type EvaluateOptions } from "./evaluate.ts";

// Port 1 refuses connections: a result from it proves no registry was asked.
const DIGEST = `sha256:${"ef".repeat(32)}`;
const PINNED = `127.0.0.1:1/team/app@${DIGEST}`;
const TAGGED = "127.0.0.1:1/team/app:1.0";
const opts = (resolveImages: EvaluateOptions["resolveImages"]): EvaluateOptions => ({
  cwd: tmpdir(),
  strict: true,
  registry: async (registry) => ({ registry, insecureHttp: true, retries: 0 }),
  resolveImages,
});

describe("evaluateMaterial: when registry images are resolved", () => {
  test("unless-pinned and never take a pinned reference by its digest, unresolved", async () => {
    for (const mode of ["unless-pinned", "never"] as const) {
      const ev = await evaluateMaterial(PINNED, "CONTAINER_IMAGE", opts(mode));
      expect([ev.value, ev.digest, ev.annotations["cairn.material.image.resolved"]]).toEqual(["127.0.0.1:1/team/app", DIGEST, "false"]);
    }
  });

  test("always (the default) and unless-pinned with a tag ask the registry; never refuses a tag", async () => {
    await expectCode(() => evaluateMaterial(PINNED, "CONTAINER_IMAGE", opts(undefined)), "NETWORK");
    await expectCode(() => evaluateMaterial(TAGGED, "CONTAINER_IMAGE", opts("unless-pinned")), "NETWORK");
    const e = await expectCode(() => evaluateMaterial(TAGGED, "CONTAINER_IMAGE", opts("never")), "USAGE");
    expect(e.message).toContain(`image ${TAGGED} has no digest`);
  });
});
