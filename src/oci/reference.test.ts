import { describe, expect, test } from "bun:test";
import { isCairnError } from "../errors.ts";
import { formatImageRef, looksLikeImageRef, parseImageRef } from "./reference.ts";

const D = `sha256:${"a".repeat(64)}`;

describe("parseImageRef", () => {
  test("docker hub short names get library/ and latest", () => {
    expect(parseImageRef("alpine")).toEqual({ registry: "registry-1.docker.io", repository: "library/alpine", tag: "latest" });
    expect(parseImageRef("docker.io/team/app:1")).toEqual({ registry: "registry-1.docker.io", repository: "team/app", tag: "1" });
  });
  test("host with port, nested path, tag and digest", () => {
    expect(parseImageRef(`127.0.0.1:5000/a/b/c:v1.2@${D}`)).toEqual({ registry: "127.0.0.1:5000", repository: "a/b/c", tag: "v1.2", digest: D });
    expect(parseImageRef(`localhost/app@${D}`)).toEqual({ registry: "localhost", repository: "app", digest: D });
  });
  test("a port is not mistaken for a tag", () => {
    expect(parseImageRef("reg.example.com:443/app")).toEqual({ registry: "reg.example.com:443", repository: "app", tag: "latest" });
  });
  test("errors are USAGE and name the value", () => {
    for (const bad of ["", "Reg.io/UPPER", "reg.io/app:-bad", "reg.io/app@sha256:xyz", "reg.io/a//b"]) {
      try {
        parseImageRef(bad);
        throw new Error(`accepted ${bad}`);
      } catch (e) {
        expect(isCairnError(e, "USAGE")).toBe(true);
        expect((e as Error).message).toContain(`"${bad}"`);
      }
    }
  });
  test("format round-trips", () => {
    const s = `reg.example.com:5000/team/app:1.0@${D}`;
    expect(formatImageRef(parseImageRef(s))).toBe(s);
  });
});

describe("looksLikeImageRef", () => {
  test("true with a registry host", () => {
    expect(looksLikeImageRef("127.0.0.1:5000/app:1")).toBe(true);
    expect(looksLikeImageRef("localhost/app")).toBe(true);
    expect(looksLikeImageRef(`ghcr.io/org/app@${D}`)).toBe(true);
  });
  test("false for paths and bare names", () => {
    for (const s of ["alpine", "alpine:3", "dir/file.json", "./x/y", "../x/y", "/abs/path", "team/app:1", "file.tar"]) {
      expect(looksLikeImageRef(s)).toBe(false);
    }
  });
});
