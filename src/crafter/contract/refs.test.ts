import { describe, expect, test } from "bun:test";
import { checkPolicyRef } from "./refs.ts";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("checkPolicyRef", () => {
  test.each([
    "file://policies/licenses.yaml",
    "file://licenses.yaml",
    "https://example.com/policies/p.yaml",
    "http://example.com/p.rego",
    "chainloop://artifact-signed",
    "chainloop://builtin:acme/artifact-signed",
    "artifact-signed",
    "acme/artifact-signed",
    "provider:acme/artifact-signed",
    "policies/licenses.yaml",
    "idontexist.yaml",
    `artifact-signed@${DIGEST}`,
    `file://p.yaml@${DIGEST}`,
  ])("accepts %s", (ref) => {
    expect(checkPolicyRef(ref)).toBeUndefined();
  });

  test.each([
    "",
    "   ",
    "file://",
    "file://policies/noext",
    "https://example.com",
    "https://example.com/p",
    "https://[bad",
    "ftp://example.com/p.yaml",
    "chainloop://Bad_Name",
    "chainloop://Provider:p",
    "chainloop://Org/p",
    "UPPER",
    "p@sha256:short",
    `p@sha512:${"0".repeat(64)}`,
    `p@sha256:${"A".repeat(64)}`,
  ])("rejects %p", (ref) => {
    expect(typeof checkPolicyRef(ref)).toBe("string");
  });
});
