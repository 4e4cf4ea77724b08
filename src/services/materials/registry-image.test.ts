import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOciClient } from "../../oci/client.ts";
import { startRegistry, type RunningRegistry } from "../../oci/registry.testutil.ts";
import { startFakeRegistry } from "../../oci/fake-registry.testutil.ts";
import type { OciClient } from "../../oci/types.ts";
import { expectCode } from "../../test-helpers.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { detect, evaluateMaterial } from "./evaluate.ts";
import { registryOptionsFn } from "./registry-image.ts";
import { pushCosignSigTag, pushTestImage, type PushedImage } from "./registry-image.testutil.ts";

let reg: RunningRegistry;
let client: OciClient;
let s: TestStore;
let image: PushedImage;

beforeAll(async () => {
  reg = await startRegistry();
  client = createOciClient({ registry: reg.host, insecureHttp: true, retries: 0 });
  image = await pushTestImage(client, "team/app", "1.0");
  s = await testStore({ CAIRN_INSECURE_REGISTRIES: reg.host });
});
afterAll(async () => {
  s.cleanup();
  await reg.stop();
});

const evaluate = (value: string) => evaluateMaterial(value, "CONTAINER_IMAGE", { cwd: s.dir, strict: true, registry: registryOptionsFn(s.app) });

describe("CONTAINER_IMAGE registry references (docker-registry)", () => {
  test("auto-detection picks CONTAINER_IMAGE for HOST/REPO:TAG without touching the network", () => {
    expect(detect("203.0.113.9:5000/team/app:1.0", s.dir).kind).toBe("CONTAINER_IMAGE");
    expect(detect("plain-words", s.dir).kind).toBe("STRING");
  });

  test("a tag resolves to the manifest digest, named HOST/REPO, with tag/latest/media type/size annotations", async () => {
    const ev = await evaluate(`${reg.host}/team/app:1.0`);
    expect(ev.digest).toBe(image.digest);
    expect(ev.value).toBe(`${reg.host}/team/app`);
    expect(ev.annotations).toEqual({
      "cairn.material.image.registry": reg.host,
      "cairn.material.image.media_type": image.mediaType,
      "cairn.material.image.size": String(image.size),
      "cairn.material.image.tag": "1.0",
      "cairn.material.image.is_latest_tag": "false",
      "cairn.material.signature": "false",
    });
  });

  test("no tag means latest; a digest reference is checked to exist", async () => {
    await pushTestImage(client, "team/app", "latest", "other layer");
    const latest = await evaluate(`${reg.host}/team/app`);
    expect(latest.annotations["cairn.material.image.is_latest_tag"]).toBe("true");
    const pinned = await evaluate(`${reg.host}/team/app@${image.digest}`);
    expect(pinned.digest).toBe(image.digest);
    expect(pinned.annotations["cairn.material.image.tag"]).toBeUndefined();
    const e = await expectCode(() => evaluate(`${reg.host}/team/app@sha256:${"0".repeat(64)}`), "MATERIAL_INVALID");
    expect(e.message).toContain(`${reg.host}/team/app@sha256:${"0".repeat(64)}`);
  });

  test("an unknown tag or repository is MATERIAL_INVALID naming the reference", async () => {
    const e = await expectCode(() => evaluate(`${reg.host}/team/app:nope`), "MATERIAL_INVALID");
    expect(e.message).toContain(`${reg.host}/team/app:nope`);
    await expectCode(() => evaluate(`${reg.host}/team/missing:1.0`), "MATERIAL_INVALID");
  });

  test("a cosign sha256-<hex>.sig tag is a signature", async () => {
    const signed = await pushTestImage(client, "team/signed", "1.0");
    const sig = await pushCosignSigTag(client, "team/signed", signed.digest);
    const ev = await evaluate(`${reg.host}/team/signed:1.0`);
    expect(ev.annotations["cairn.material.signature"]).toBe("true");
    expect(ev.annotations["cairn.material.signature.provider"]).toBe("cosign");
    expect(ev.annotations["cairn.material.signature.digest"]).toBe(sig);
  });

  test("an unreachable registry keeps NETWORK and says resolution needs it", async () => {
    const e = await expectCode(
      async () => await evaluateMaterial("127.0.0.1:1/team/app:1.0", "CONTAINER_IMAGE", { cwd: s.dir, strict: true, registry: async (h) => ({ registry: h, insecureHttp: true, retries: 0 }) }),
      "NETWORK",
    );
    expect(e.message).toContain("127.0.0.1:1/team/app:1.0");
    expect(e.hint).toContain("--dry-run");
  });
});

describe("CONTAINER_IMAGE against a registry with bearer auth and native referrers (fake)", () => {
  test("resolves with credentials; a notary referrer is a signature", async () => {
    const fake = await startFakeRegistry({ auth: { kind: "bearer", username: "u", password: "p" } });
    try {
      const c = createOciClient({ registry: fake.host, insecureHttp: true, retries: 0, credentials: { username: "u", password: "p" } });
      const img = await pushTestImage(c, "team/app", "latest");
      const opts = async (h: string) => ({ registry: h, insecureHttp: true, retries: 0, credentials: { username: "u", password: "p" } });
      const plain = await evaluateMaterial(`${fake.host}/team/app`, undefined, { cwd: s.dir, strict: true, registry: opts });
      expect([plain.kind.kind, plain.digest, plain.annotations["cairn.material.signature"]]).toEqual(["CONTAINER_IMAGE", img.digest, "false"]);
      const { pushArtifact } = await import("../../oci/oras.ts");
      const notary = await pushArtifact(c, {
        repository: "team/app",
        artifactType: "application/vnd.cncf.notary.signature",
        files: [{ mediaType: "application/jose+json", source: { chunks: (async function* () { yield new TextEncoder().encode("{}"); })() } }],
        subject: { mediaType: img.mediaType, digest: img.digest, size: img.size },
      });
      const ev = await evaluateMaterial(`${fake.host}/team/app`, undefined, { cwd: s.dir, strict: true, registry: opts });
      expect(ev.annotations["cairn.material.signature.provider"]).toBe("notary");
      expect(ev.annotations["cairn.material.signature.digest"]).toBe(notary.manifest.digest);
      await expectCode(async () => await evaluateMaterial(`${fake.host}/team/app`, undefined, { cwd: s.dir, strict: true, registry: async (h) => ({ registry: h, insecureHttp: true, retries: 0 }) }), "UNAUTHENTICATED");
    } finally {
      await fake.stop();
    }
  });
});
