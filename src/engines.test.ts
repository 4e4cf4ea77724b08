import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { installedEngines, probeVersions, unmetEngines } from "../scripts/engines.ts";

const ROOT = join(import.meta.dir, "..");
const engines = installedEngines(join(ROOT, "node_modules"));

describe("package.json engines.node", () => {
  test("every installed dependency accepts each Node version it stands for", () => {
    expect(engines.length).toBeGreaterThan(10);
    expect(unmetEngines(pkg.engines.node, engines)).toEqual([]);
  });

  test("it is the measured minimum: one release lower on each line is refused by some dependency", () => {
    for (const lower of ["^22.22.1", "^24.14.0", "^20.19.0"]) expect(unmetEngines(lower, engines).length).toBeGreaterThan(0);
    expect(unmetEngines("^20.19.0", engines).map((u) => u.pkg)).toContainEqual(expect.stringMatching(/^@sigstore\/verify@/));
  });

  test("probeVersions reads ^ and >= alternatives and refuses other forms", () => {
    expect(probeVersions("^22.22.2 || >=26")).toEqual(["22.22.2", "22.999.0", "26.0.0", "36.0.0"]);
    expect(() => probeVersions("22 - 24")).toThrow(/not \^X.Y.Z or >=X.Y.Z/);
  });
});
