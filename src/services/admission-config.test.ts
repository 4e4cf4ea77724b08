import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectCode } from "../test-helpers.ts";
import { MAX_ADMISSION_CONFIG_BYTES, readAdmissionConfig } from "./admission-config.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-admission-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = `apiVersion: cairn.dev/v1
kind: Policy
metadata: {name: no-root}
spec:
  rules:
    - name: no-root
      kinds: ["*"]
      violations: "[]"
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe("readAdmissionConfig", () => {
  test("reads the file; policy files become absolute, relative to the configuration's folder", () => {
    write("conf/policies/no-root.yaml", POLICY);
    write("conf/admission.yaml", "namespaces:\n  prod:\n    policies: [policies/no-root.yaml, builtin:sbom-freshness, team-policy]\n  '*':\n    policies: [file://policies/no-root.yaml]\n");
    const c = readAdmissionConfig("conf/admission.yaml", dir);
    expect(c.namespaces.get("prod")?.policies).toEqual([join(dir, "conf/policies/no-root.yaml"), "builtin:sbom-freshness", "team-policy"]);
    expect(c.fallback?.policies).toEqual([join(dir, "conf/policies/no-root.yaml")]);
  });

  test("a missing policy file stops the start, naming the field", async () => {
    write("missing.yaml", "namespaces:\n  prod:\n    policies: [nope.yaml]\n");
    const e = await expectCode(() => readAdmissionConfig("missing.yaml", dir), "NOT_FOUND");
    expect(e.message).toContain("missing.yaml: namespaces.prod.policies[0]: policy file");
    write("remote.yaml", "namespaces:\n  prod:\n    policies: ['https://example.com/p.yaml']\n");
    expect((await expectCode(() => readAdmissionConfig("remote.yaml", dir), "USAGE")).message).toContain("remote policy references are not supported");
  });

  test("missing, directory, oversized and invalid files", async () => {
    expect((await expectCode(() => readAdmissionConfig("absent.yaml", dir), "NOT_FOUND")).message).toBe("--admission-config absent.yaml: no such file");
    expect((await expectCode(() => readAdmissionConfig(".", dir), "USAGE")).message).toContain("not a regular file");
    write("big.yaml", "#".repeat(MAX_ADMISSION_CONFIG_BYTES + 1));
    expect((await expectCode(() => readAdmissionConfig("big.yaml", dir), "USAGE")).message).toContain("over the 1048576 byte limit");
    write("typo.yaml", "namespaces:\n  prod:\n    requireTlogs: true\n");
    expect((await expectCode(() => readAdmissionConfig("typo.yaml", dir), "USAGE")).message).toContain('typo.yaml:3:19: namespaces.prod.requireTlogs: unknown field');
  });
});
