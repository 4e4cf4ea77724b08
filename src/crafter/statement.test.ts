import { describe, expect, test } from "bun:test";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import schema from "../../docs/schemas/cairn-attestation-v0.1.schema.json" with { type: "json" };
import { canonicalJson } from "./canonical-json.ts";
import type { CraftingState } from "./state/types.ts";
import { buildStatement, contractBodyDigest, serializeStatement } from "./statement.ts";

const GOLDEN = join(import.meta.dir, "../../fixtures/golden/basic");
const state = JSON.parse(readFileSync(join(GOLDEN, "state.json"), "utf8")) as CraftingState;
const opts = { finishedAt: "2026-11-02T10:10:00.000Z", builderVersion: "0.0.0-golden", annotations: { team: "core" } };

describe("statement rendering", () => {
  test("matches the golden statement byte for byte (UPDATE_GOLDEN=1 regenerates)", () => {
    const bytes = serializeStatement(buildStatement(state, opts));
    const file = join(GOLDEN, "statement.json");
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, new TextDecoder().decode(bytes));
    expect(existsSync(file)).toBe(true);
    expect(new TextDecoder().decode(bytes)).toBe(readFileSync(file, "utf8"));
  });

  test("is deterministic whatever the order materials were added in", () => {
    const reversed = { ...state, materials: Object.fromEntries(Object.entries(state.materials).reverse()) };
    expect(serializeStatement(buildStatement(reversed, opts))).toEqual(serializeStatement(buildStatement(state, opts)));
  });

  test("subjects: workflow (sha256 of the canonical predicate), git HEAD, output materials", () => {
    const st = buildStatement(state, opts);
    expect(st.subject.map((s) => s.name)).toEqual(["cairn.workflow.build-and-test", "git.head", "rootfs.tar.gz"]);
    const hasher = new Bun.CryptoHasher("sha256").update(canonicalJson(st.predicate));
    expect(st.subject[0]!.digest.sha256).toBe(hasher.digest("hex"));
    expect(st.subject[1]!.digest).toEqual({ sha1: "80e461e9b385c6986cdb8096c9dc99928943d667" });
  });

  test("the predicate validates against the published JSON Schema", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(buildStatement(state, opts).predicate);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe("metadata.contractDigest (schema revision 2)", () => {
  test("is the state's digest of the revision body; a state without one (older, dry-run) renders none", () => {
    const meta = (s: CraftingState) => buildStatement(s, opts).predicate.metadata as Record<string, unknown>;
    expect(meta(state).contractDigest).toBe(state.workflow.contractDigest!);
    const { contractDigest: _d, ...older } = state.workflow;
    const text = new TextDecoder().decode(serializeStatement(buildStatement({ ...state, workflow: older }, opts)));
    expect(text).not.toContain("contractDigest");
  });

  test("contractBodyDigest hashes the exact body bytes (a comment changes it)", () => {
    const body = "schemaVersion: v1\n";
    expect(contractBodyDigest(body)).toBe(`sha256:${new Bun.CryptoHasher("sha256").update(body).digest("hex")}`);
    expect(contractBodyDigest(`${body}# note\n`)).not.toBe(contractBodyDigest(body));
  });

  test("the schema accepts a sha256 digest and refuses anything else", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const predicate = buildStatement(state, opts).predicate;
    const withDigest = (d: string) => ({ ...predicate, metadata: { ...(predicate.metadata as object), contractDigest: d } });
    expect(validate(withDigest(contractBodyDigest("x")))).toBe(true);
    expect(validate(withDigest("md5:abc"))).toBe(false);
  });
});

describe("statement rendering with policy evaluations", () => {
  const DIR = join(import.meta.dir, "../../fixtures/golden/policies");
  const withPolicies = JSON.parse(readFileSync(join(DIR, "state.json"), "utf8")) as CraftingState;

  test("matches the golden statement byte for byte (UPDATE_GOLDEN=1 regenerates)", () => {
    const text = new TextDecoder().decode(serializeStatement(buildStatement(withPolicies, opts)));
    const file = join(DIR, "statement.json");
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, "utf8"));
  });

  test("evaluations sorted by material (attestation ones last), counted; a violated gate blocks unless bypassed", () => {
    const p = buildStatement(withPolicies, opts).predicate;
    expect((p.policyEvaluations as { material?: string }[]).map((e) => e.material ?? "-")).toEqual(["build-ref", "rootfs", "rootfs", "-"]);
    expect(p).toMatchObject({ policyEvaluationsCount: 4, policyViolationsCount: 2, policySkippedCount: 1, policyHasGatedViolations: true, policyBlocked: true, policyBypassed: false });
    expect(buildStatement(withPolicies, { ...opts, bypassPolicyCheck: true }).predicate).toMatchObject({ policyBlocked: false, policyBypassed: true });
  });

  test("no policy block without attached policies (older attestations keep their bytes)", () => {
    expect(Object.keys(buildStatement(state, opts).predicate).filter((k) => k.startsWith("policy"))).toEqual([]);
  });

  test("the predicate validates against the published JSON Schema, which requires the counts with the evaluations", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const predicate = buildStatement(withPolicies, opts).predicate;
    expect(validate(predicate) ? [] : validate.errors).toEqual([]);
    const { policyBlocked: _b, ...missing } = predicate;
    expect(validate(missing)).toBe(false);
  });
});
