import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CairnError } from "../errors.ts";
import { makeCa, trustedRoot } from "../trust/testkit.testutil.ts";
import { addTrustRoot, homeRoots, listTrustRoots, removeTrustRoot, rootFiles } from "./trust-roots.ts";

const home = mkdtempSync(join(tmpdir(), "cairn-roots-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
let rootJson = "";
beforeAll(async () => {
  rootJson = JSON.stringify(trustedRoot({ cas: [await makeCa("unit")] }));
  writeFileSync(join(home, "r.json"), rootJson);
});

describe("a home's trusted roots", () => {
  test("public good (clients only), then home-ca, then added roots by name", () => {
    expect(homeRoots(home, { publicGood: true }).map((r) => r.name)).toEqual(["sigstore-public-good"]);
    expect(homeRoots(home, { publicGood: false })).toEqual([]);
    addTrustRoot(home, home, "zeta", "r.json");
    addTrustRoot(home, home, "alpha", "r.json");
    mkdirSync(join(home, "ca"), { recursive: true });
    writeFileSync(join(home, "ca", "trusted_root.json"), rootJson);
    expect(homeRoots(home, { publicGood: true }).map((r) => r.name)).toEqual(["sigstore-public-good", "home-ca", "alpha", "zeta"]);
    expect(homeRoots(home, { publicGood: false }).map((r) => r.name)).toEqual(["home-ca", "alpha", "zeta"]);
    expect(listTrustRoots(home).map((r) => [r.name, r.cas])).toEqual([["sigstore-public-good", expect.any(Number)], ["home-ca", 1], ["alpha", 1], ["zeta", 1]]);
    removeTrustRoot(home, "zeta");
    expect(homeRoots(home, { publicGood: false }).map((r) => r.name)).toEqual(["home-ca", "alpha"]);
  });

  test("a damaged root file is an error naming it, never silently skipped", () => {
    writeFileSync(join(home, "trust-roots", "broken.json"), "{");
    expect(() => homeRoots(home, { publicGood: false })).toThrow(`${join(home, "trust-roots", "broken.json")} is not valid JSON`);
    rmSync(join(home, "trust-roots", "broken.json"));
  });

  test("--trusted-root files are named by the path given; a missing one is NOT_FOUND", () => {
    expect(rootFiles(home, ["r.json"]).map((r) => r.name)).toEqual(["r.json"]);
    let err: unknown;
    try {
      rootFiles(home, ["absent.json"]);
    } catch (e) {
      err = e;
    }
    expect((err as CairnError).code).toBe("NOT_FOUND");
  });
});
