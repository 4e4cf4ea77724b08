import { describe, expect, test } from "bun:test";
import { CairnError } from "../errors.ts";
import { isExempt, parseAdmissionConfig, policyForNamespace } from "./config.ts";

const FULL = `
# cairn serve --admission-config admission.yaml
namespaces:
  prod:
    workflow: build-image
    project: skynet
    requireTlog: true
    allowBehind: false
    maxAge: 30d
    policies: [builtin:banned-licenses, policies/no-root.yaml]
    sourceRef: refs/heads/main
    certificateIdentityRegexp: 'https://cairn\\.example/orgs/acme/.*'
    certificateOidcIssuer: https://cairn.example
  staging: {}
  dev:
  "*":
    requireTlog: true
exemptImages: ["registry.k8s.io/pause:*"]
`;

/** The USAGE error of a bad configuration. */
function fails(text: string): CairnError {
  try {
    parseAdmissionConfig(text, "admission.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe("USAGE");
    return e as CairnError;
  }
  throw new Error("accepted a bad configuration");
}

describe("parseAdmissionConfig", () => {
  test("every field of a namespace policy, empty policies, the fallback and exemptions", () => {
    const c = parseAdmissionConfig(FULL, "admission.yaml");
    expect(c.namespaces.get("prod")).toEqual({
      workflow: "build-image",
      project: "skynet",
      requireTlog: true,
      allowBehind: false,
      maxAgeMs: 30 * 86_400_000,
      policies: ["builtin:banned-licenses", "policies/no-root.yaml"],
      sourceRef: "refs/heads/main",
      certificateIdentityRegexp: "https://cairn\\.example/orgs/acme/.*",
      certificateOidcIssuer: "https://cairn.example",
    });
    expect(c.namespaces.get("staging")).toEqual({});
    expect(c.namespaces.get("dev")).toEqual({});
    expect(c.namespaces.has("*")).toBe(false);
    expect(c.fallback).toEqual({ requireTlog: true });
    expect(c.exemptImages).toEqual(["registry.k8s.io/pause:*"]);
  });

  test("unknown keys name the key, the file and the line, with a suggestion", () => {
    const e = fails("namespaces:\n  prod:\n    requireTLog: true\n");
    expect(e.message).toBe('admission.yaml:3:18: namespaces.prod.requireTLog: unknown field "requireTLog" (did you mean "requireTlog"?)');
    const typo = fails("namespace:\n  prod: {}\n");
    expect(typo.message).toBe("admission.yaml:1:1: namespaces: is required: the policy of each namespace to check (and 1 more)");
    expect(typo.details).toContainEqual({ path: "namespace", problem: 'unknown field "namespace" (did you mean "namespaces"?)', line: 2, column: 3 });
    expect(fails("namespaces: {prod: {}}\nexemptImage: []\n").message).toContain('exemptImage: unknown field');
  });

  test("bad durations name the field", () => {
    expect(fails("namespaces:\n  prod:\n    maxAge: 30x\n").message).toBe('admission.yaml:3:13: namespaces.prod.maxAge: "30x" is not a duration (a number and a unit: 90s, 15m, 2h, 30d)');
    expect(fails("namespaces:\n  prod:\n    maxAge: 30\n").message).toContain("namespaces.prod.maxAge: must be a duration with a unit");
    expect(fails("namespaces:\n  prod:\n    maxAge: 0d\n").message).toContain("namespaces.prod.maxAge: must be longer than 0");
  });

  test("wrong types, names, regexps, exclusive fields, unknown built-in policies", () => {
    expect(fails("namespaces:\n  prod:\n    requireTlog: 'yes'\n").message).toContain("namespaces.prod.requireTlog: must be a boolean");
    expect(fails("namespaces:\n  prod:\n    workflow: Build_Image\n").message).toContain("namespaces.prod.workflow:");
    expect(fails("namespaces:\n  Prod: {}\n").message).toContain('namespaces.Prod: "Prod" is not a namespace name (DNS-1123 label) or "*"');
    expect(fails("namespaces:\n  prod:\n    certificateIdentityRegexp: '('\n").message).toContain("namespaces.prod.certificateIdentityRegexp: the regular expression \"(\" is not a valid regular expression");
    expect(fails("namespaces:\n  prod:\n    certificateIdentity: a\n    certificateIdentityRegexp: b\n").message).toContain("certificateIdentityRegexp: and certificateIdentity are exclusive");
    expect(fails("namespaces:\n  prod:\n    certificateOidcIssuer: ''\n").message).toContain("namespaces.prod.certificateOidcIssuer: is empty");
    expect(fails("namespaces:\n  prod:\n    policies: [builtin:cyclonedx-licenses]\n").message).toContain('namespaces.prod.policies[0]: no built-in policy "cyclonedx-licenses"');
    expect(fails("namespaces:\n  prod:\n    policies: builtin:banned-licenses\n").message).toContain("namespaces.prod.policies: must be a list");
    expect(fails("namespaces:\n  prod: [a]\n").message).toContain("namespaces.prod: must be a mapping");
  });

  test("a configuration that checks nothing is refused", () => {
    expect(fails("").message).toContain("admission.yaml: namespaces: is required");
    expect(fails("namespaces: {}\n").message).toContain("namespaces: lists no namespace");
    expect(fails("namespaces: [prod]\n").message).toContain("namespaces: must be a mapping of namespace names to policies");
  });

  test("bad exemptImages patterns name the entry", () => {
    expect(fails("namespaces: {prod: {}}\nexemptImages: [registry.k8s.io/pause]\n").message).toContain('exemptImages[0]: "registry.k8s.io/pause" names no tag or digest');
    expect(fails("namespaces: {prod: {}}\nexemptImages: ['*/pause:*']\n").message).toContain("must start with a registry host, without wildcards");
    expect(fails("namespaces: {prod: {}}\nexemptImages: [busybox:1]\n").message).toContain("must start with a registry host");
    expect(fails("namespaces: {prod: {}}\nexemptImages: [ok.io/a:*, 3]\n").message).toContain("exemptImages[1]: must be a string");
  });

  test("every problem is in details; YAML syntax errors and duplicate keys are USAGE too", () => {
    const e = fails("namespaces:\n  prod:\n    maxAge: x\n    workflw: a\n");
    expect(e.message).toContain("(and 1 more)");
    expect((e.details as { path: string }[]).map((d) => d.path)).toEqual(["namespaces.prod.maxAge", "namespaces.prod.workflw"]);
    expect(fails("namespaces: [\n").message).toContain("admission.yaml:");
    expect(fails("namespaces:\n  prod: {}\n  prod: {}\n").message).toContain("admission.yaml:");
  });
});

describe("policyForNamespace", () => {
  test("a listed namespace gets its policy, others the \"*\" policy", () => {
    const c = parseAdmissionConfig(FULL, "admission.yaml");
    expect(policyForNamespace(c, "prod")?.workflow).toBe("build-image");
    expect(policyForNamespace(c, "staging")).toEqual({});
    expect(policyForNamespace(c, "kube-system")).toEqual({ requireTlog: true });
  });
  test('without "*", unlisted namespaces are not checked', () => {
    const c = parseAdmissionConfig("namespaces:\n  prod: {workflow: build-image}\n", "admission.yaml");
    expect(policyForNamespace(c, "prod")).toEqual({ workflow: "build-image" });
    expect(policyForNamespace(c, "other")).toBeUndefined();
    expect(policyForNamespace(c, "")).toBeUndefined();
  });
});

describe("isExempt", () => {
  const D = `sha256:${"b".repeat(64)}`;
  const c = parseAdmissionConfig(
    `namespaces: {prod: {}}\nexemptImages: ["registry.k8s.io/pause:*", "docker.io/busybox:1.*", "ghcr.io/acme/*/agent:*", "quay.io/x/y@${D}"]\n`,
    "admission.yaml",
  );
  test("matches after the same normalization as image references", () => {
    expect(isExempt(c, "registry.k8s.io/pause:3.9")).toBe(true);
    expect(isExempt(c, "registry.k8s.io/pause")).toBe(true); // :latest
    expect(isExempt(c, `registry.k8s.io/pause@${D}`)).toBe(true);
    expect(isExempt(c, "busybox:1.36")).toBe(true);
    expect(isExempt(c, "index.docker.io/library/busybox:1.36")).toBe(true);
    expect(isExempt(c, "ghcr.io/acme/team/agent:v2")).toBe(true);
    expect(isExempt(c, `quay.io/x/y:any@${D}`)).toBe(true);
  });
  test("does not widen: other repositories, hosts, tags, nesting, digests", () => {
    expect(isExempt(c, "registry.k8s.io/pause-evil:1")).toBe(false);
    expect(isExempt(c, "registry.k8s.io/pause/x:1")).toBe(false);
    expect(isExempt(c, "evil.io/registry.k8s.io/pause:1")).toBe(false);
    expect(isExempt(c, "busybox:2.0")).toBe(false);
    expect(isExempt(c, "ghcr.io/acme/a/b/agent:v2")).toBe(false);
    expect(isExempt(c, `quay.io/x/y@sha256:${"c".repeat(64)}`)).toBe(false);
    expect(isExempt(c, "quay.io/x/y:latest")).toBe(false);
    // A tag glob other than * does not cover a digest: the runtime pulls the digest and ignores the tag.
    expect(isExempt(c, `busybox:1.36@${D}`)).toBe(false);
    expect(isExempt(c, "not a reference")).toBe(false);
  });
  test("no patterns, no exemptions", () => {
    expect(isExempt(parseAdmissionConfig("namespaces: {prod: {}}\n", "a.yaml"), "registry.k8s.io/pause:3.9")).toBe(false);
  });
});
