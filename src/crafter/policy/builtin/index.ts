/**
 * The built-in policy library, embedded in the binary as text (Bun text imports). `builtin:NAME` loads one.
 * To add a policy: write NAME.yaml here with passing and failing fixtures under fixtures/policies/NAME/,
 * add one import and one entry below, then run `npm run docs`.
 */
import bannedComponents from "./banned-components.yaml" with { type: "text" };
import bannedLicenses from "./banned-licenses.yaml" with { type: "text" };
import imageNotMutableTag from "./image-not-mutable-tag.yaml" with { type: "text" };
import junitNoFailures from "./junit-no-failures.yaml" with { type: "text" };
import noCriticalVulnerabilities from "./no-critical-vulnerabilities.yaml" with { type: "text" };
import requiredAnnotations from "./required-annotations.yaml" with { type: "text" };
import sarifMaxLevel from "./sarif-max-level.yaml" with { type: "text" };
import sbomFreshness from "./sbom-freshness.yaml" with { type: "text" };

/** Name → YAML source, in the order docs and `cairn policy builtin` list them. */
export const BUILTIN_POLICIES: ReadonlyMap<string, string> = new Map(
  (
    [
      ["banned-licenses", bannedLicenses],
      ["banned-components", bannedComponents],
      ["sbom-freshness", sbomFreshness],
      ["junit-no-failures", junitNoFailures],
      ["sarif-max-level", sarifMaxLevel],
      ["no-critical-vulnerabilities", noCriticalVulnerabilities],
      ["image-not-mutable-tag", imageNotMutableTag],
      ["required-annotations", requiredAnnotations],
    ] as [string, unknown][]
  ).map(([name, text]) => [name, text as string]),
);
