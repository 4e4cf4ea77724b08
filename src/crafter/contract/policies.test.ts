import { describe, expect, test } from "bun:test";
import { expectPaths, parse, v1, v2 } from "./test-support.ts";

const DIGEST = "a".repeat(64);
const attach = (entry: string, where = "attestation") => v1(`policies:\n  ${where}:\n    - ${entry}\n`);

describe("policy attachments", () => {
  test("defaults and full form", () => {
    const c = parse(v2(
      "policies:\n  materials:\n" +
        "    - ref: file://p/licenses.yaml\n      selector: { name: sbom }\n      with: { licenses: 'GPL, AGPL', max: 30, strict: true, v: 1.10, empty: }\n" +
        "      requirements: [owasp/top-10@2021, acme/slsa/build-l3]\n      gate: false\n      disabled: true\n" +
        "  attestation:\n    - ref: signed\n",
    ));
    expect(c.policies.materials).toEqual([{
      ref: "file://p/licenses.yaml",
      selector: { name: "sbom", matchMode: "EXACT" },
      with: { licenses: "GPL, AGPL", max: "30", strict: "true", v: "1.10", empty: "" },
      requirements: ["owasp/top-10@2021", "acme/slsa/build-l3"],
      gate: false,
      disabled: true,
    }]);
    expect(c.policies.attestation).toEqual([{ ref: "signed", with: {}, requirements: [], disabled: false }]);
  });

  test("embedded policies are kept as written", () => {
    const c = parse(attach("embedded:\n        apiVersion: chainloop.dev/v1\n        kind: Policy\n        metadata: { name: p }\n        spec: { policies: [{ kind: SBOM_SPDX_JSON, embedded: 'package main' }], n: 2 }"));
    expect(c.policies.attestation[0]!.ref).toBeUndefined();
    expect(c.policies.attestation[0]!.embedded).toEqual({
      apiVersion: "chainloop.dev/v1", kind: "Policy", metadata: { name: "p" },
      spec: { policies: [{ kind: "SBOM_SPDX_JSON", embedded: "package main" }], n: 2 },
    });
  });

  test("exactly one of ref and embedded", async () => {
    await expectPaths(attach("{ gate: true }"), ["policies.attestation[0].ref"]);
    await expectPaths(attach("{ ref: a, embedded: { kind: Policy } }"), ["policies.attestation[0]"]);
    await expectPaths(attach("{ embedded: 'package main' }"), ["policies.attestation[0].embedded"]);
  });

  test("ref syntax is checked", async () => {
    await expectPaths(attach("{ ref: 'ftp://x/p.yaml' }"), ["policies.attestation[0].ref"]);
    await expectPaths(attach("{ ref: 'Bad Name' }"), ["policies.attestation[0].ref"]);
    expect(parse(attach(`{ ref: 'p@sha256:${DIGEST}' }`)).policies.attestation[0]!.ref).toBe(`p@sha256:${DIGEST}`);
  });

  test("selector: name required, EXACT by default, PREFIX allowed, DNS-checked", async () => {
    const c = parse(attach("{ ref: p, selector: { name: sbom-, matchMode: PREFIX } }", "materials"));
    expect(c.policies.materials[0]!.selector).toEqual({ name: "sbom-", matchMode: "PREFIX" });
    await expectPaths(attach("{ ref: p, selector: { matchMode: EXACT } }"), ["policies.attestation[0].selector.name"]);
    await expectPaths(attach("{ ref: p, selector: { name: a, matchMode: REGEX } }"), ["policies.attestation[0].selector.matchMode"]);
    await expectPaths(attach("{ ref: p, selector: { name: sbom- } }"), ["policies.attestation[0].selector.name"]);
    await expectPaths(attach("{ ref: p, selector: { name: Sbom, matchMode: PREFIX } }"), ["policies.attestation[0].selector.name"]);
    await expectPaths(attach("{ ref: p, selector: { name: a, mode: EXACT } }"), ["policies.attestation[0].selector.mode"]);
    await expectPaths(attach("{ ref: p, selector: sbom }"), ["policies.attestation[0].selector"]);
  });

  test("with: a map of scalars", async () => {
    await expectPaths(attach("{ ref: p, with: [a] }"), ["policies.attestation[0].with"]);
    await expectPaths(attach("{ ref: p, with: { a: [1, 2] } }"), ["policies.attestation[0].with.a"]);
    await expectPaths(attach("{ ref: p, with: { a: { b: 1 } } }"), ["policies.attestation[0].with.a"]);
  });

  test("requirements pattern, gate/disabled booleans, unknown keys", async () => {
    await expectPaths(attach("{ ref: p, requirements: [owasp] }"), ["policies.attestation[0].requirements[0]"]);
    await expectPaths(attach("{ ref: p, requirements: ['a/b c'] }"), ["policies.attestation[0].requirements[0]"]);
    await expectPaths(attach("{ ref: p, gate: 'yes' }"), ["policies.attestation[0].gate"]);
    await expectPaths(attach("{ ref: p, disabled: 0 }"), ["policies.attestation[0].disabled"]);
    await expectPaths(attach("{ ref: p, gates: true }"), ["policies.attestation[0].gates"]);
  });

  test("policies must be a mapping of materials/attestation lists", async () => {
    await expectPaths(v1("policies: [a]"), ["policies"]);
    await expectPaths(v1("policies: { attestations: [] }"), ["policies.attestations"]);
    await expectPaths(v1("policies: { materials: { ref: p } }"), ["policies.materials"]);
    await expectPaths(v1("policies: { materials: [p] }"), ["policies.materials[0]"]);
  });
});

describe("policy groups", () => {
  test("full form and defaults", () => {
    const c = parse(v2("policyGroups:\n  - ref: file://groups/sbom.yaml\n    with: { n: 2 }\n    skip: [sbom-freshness]\n    gate: true\n  - ref: baseline\n"));
    expect(c.policyGroups).toEqual([
      { ref: "file://groups/sbom.yaml", with: { n: "2" }, skip: ["sbom-freshness"], gate: true },
      { ref: "baseline", with: {}, skip: [] },
    ]);
  });

  test("ref required and checked; skip names; gate boolean; unknown keys", async () => {
    await expectPaths(v1("policyGroups: [{ skip: [a] }]"), ["policyGroups[0].ref"]);
    await expectPaths(v1("policyGroups: [{ ref: 'https://example.com/' }]"), ["policyGroups[0].ref"]);
    await expectPaths(v1("policyGroups: [{ ref: g, skip: [Not_A_Name] }]"), ["policyGroups[0].skip[0]"]);
    await expectPaths(v1("policyGroups: [{ ref: g, skip: a }]"), ["policyGroups[0].skip"]);
    await expectPaths(v1("policyGroups: [{ ref: g, gate: 1 }]"), ["policyGroups[0].gate"]);
    await expectPaths(v1("policyGroups: [{ ref: g, skips: [a] }]"), ["policyGroups[0].skips"]);
    await expectPaths(v1("policyGroups: { ref: g }"), ["policyGroups"]);
  });
});
