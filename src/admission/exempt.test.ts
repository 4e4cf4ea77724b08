import { describe, expect, test } from "bun:test";
import { matchesImage, parseImagePattern, type ImagePattern } from "./exempt.ts";

const D = `sha256:${"d".repeat(64)}`;

function pattern(s: string): ImagePattern {
  const p = parseImagePattern(s);
  if (typeof p === "string") throw new Error(p);
  return p;
}

describe("parseImagePattern", () => {
  test("problems say what is wrong", () => {
    expect(parseImagePattern("reg.io/a@sha256:xyz")).toContain('the digest "sha256:xyz" is not sha256:<64 lowercase hex>');
    expect(parseImagePattern("reg.io/a:v/1")).toContain("names no tag or digest"); // a `:` before the last `/` is no tag
    expect(parseImagePattern("reg.io/a:v?")).toContain('the tag "v?" is not a tag glob');
    expect(parseImagePattern("reg.io/A:*")).toContain('the repository component "A" is not valid');
    expect(parseImagePattern("reg.io/a//b:*")).toContain('the repository component "" is not valid');
    expect(parseImagePattern("*.io/a:*")).toContain("must start with a registry host, without wildcards");
    expect(parseImagePattern("reg.io:*")).toContain("must start with a registry host");
    expect(parseImagePattern("reg.io/a")).toContain("names no tag or digest");
  });
  test("hosts are case-insensitive, docker.io names are normalized", () => {
    expect(pattern("REG.io/a:*").registry).toBe("reg.io");
    const hub = pattern("docker.io/busybox:*");
    expect(hub.registry).toBe("registry-1.docker.io");
    expect(hub.repository.test("library/busybox")).toBe(true);
  });
});

describe("matchesImage", () => {
  test("ports, nested repositories and partial-component globs", () => {
    expect(matchesImage(pattern("localhost:5000/team/*:*"), "localhost:5000/team/app:1")).toBe(true);
    expect(matchesImage(pattern("localhost:5000/team/*:*"), "localhost:5001/team/app:1")).toBe(false);
    expect(matchesImage(pattern("reg.io/app-*:v*"), "reg.io/app-web:v2")).toBe(true);
    expect(matchesImage(pattern("reg.io/app-*:v*"), "reg.io/app-web:2")).toBe(false);
    expect(matchesImage(pattern("Reg.IO/app:*"), "reg.io/app:1")).toBe(true);
  });
  test("regexp metacharacters in a pattern are literal", () => {
    expect(matchesImage(pattern("reg.io/a.b:1.0"), "reg.io/a.b:1.0")).toBe(true);
    expect(matchesImage(pattern("reg.io/a.b:1.0"), "reg.io/axb:1x0")).toBe(false);
  });
  test("digest patterns, with and without a tag", () => {
    expect(matchesImage(pattern(`reg.io/a@${D}`), `reg.io/a@${D}`)).toBe(true);
    expect(matchesImage(pattern(`reg.io/a:1@${D}`), `reg.io/a:1@${D}`)).toBe(true);
    expect(matchesImage(pattern(`reg.io/a:1@${D}`), `reg.io/a:2@${D}`)).toBe(false);
    expect(matchesImage(pattern(`reg.io/a:1@${D}`), "reg.io/a:1")).toBe(false);
  });
});
