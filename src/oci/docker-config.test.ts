import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCairnError } from "../errors.ts";
import { credentialHelperNote, dockerCredentials } from "./docker-config.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function configDir(cfg: unknown): string {
  const d = mkdtempSync(join(tmpdir(), "cairn-dockercfg-"));
  dirs.push(d);
  writeFileSync(join(d, "config.json"), typeof cfg === "string" ? cfg : JSON.stringify(cfg));
  return d;
}
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("dockerCredentials", () => {
  test("DOCKER_CONFIG auths by host, base64 user:pass (password may hold colons)", () => {
    const d = configDir({ auths: { "reg.example.com:5000": { auth: b64("alice:s3:cret") } } });
    expect(dockerCredentials({ DOCKER_CONFIG: d }, "reg.example.com:5000")).toEqual({ username: "alice", password: "s3:cret" });
    expect(dockerCredentials({ DOCKER_CONFIG: d }, "other.example.com")).toBeUndefined();
  });
  test("$HOME/.docker/config.json, URL keys and docker hub aliases, username/password fields", () => {
    const home = mkdtempSync(join(tmpdir(), "cairn-home-"));
    dirs.push(home);
    mkdirSync(join(home, ".docker"));
    writeFileSync(join(home, ".docker", "config.json"), JSON.stringify({
      auths: { "https://index.docker.io/v1/": { auth: b64("bob:pw") }, "https://ghcr.io": { username: "u", password: "p" } },
    }));
    expect(dockerCredentials({ HOME: home }, "registry-1.docker.io")).toEqual({ username: "bob", password: "pw" });
    expect(dockerCredentials({ HOME: home }, "ghcr.io")).toEqual({ username: "u", password: "p" });
  });
  test("missing file is anonymous; bad JSON and bad auth are USAGE naming the file", () => {
    expect(dockerCredentials({ DOCKER_CONFIG: "/nonexistent-cairn" }, "x.io")).toBeUndefined();
    expect(dockerCredentials({}, "x.io")).toBeUndefined();
    const bad = configDir("{nope");
    expect(() => dockerCredentials({ DOCKER_CONFIG: bad }, "x.io")).toThrow(/config.json is not valid JSON/);
    const badAuth = configDir({ auths: { "x.io": { auth: b64("nocolon") } } });
    try {
      dockerCredentials({ DOCKER_CONFIG: badAuth }, "x.io");
      throw new Error("accepted");
    } catch (e) {
      expect(isCairnError(e, "USAGE")).toBe(true);
    }
  });
  test("credential helpers are not run; the note says so", () => {
    const d = configDir({ credsStore: "desktop", credHelpers: { "gcr.io": "gcloud" } });
    expect(dockerCredentials({ DOCKER_CONFIG: d }, "gcr.io")).toBeUndefined();
    expect(credentialHelperNote({ DOCKER_CONFIG: d }, "gcr.io")).toContain('"gcloud", which cairn does not run');
    expect(credentialHelperNote({ DOCKER_CONFIG: d }, "x.io")).toContain('"desktop"');
  });
});
