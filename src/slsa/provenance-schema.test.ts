import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import schema from "../../docs/schemas/cairn-buildtype-workflow-v1.schema.json" with { type: "json" };
import { genericState, githubState, gitlabState, inputFor } from "./fixtures.testutil.ts";
import { buildProvenance } from "./provenance.ts";
import { checkGithubBuildType, checkProvenance } from "./provenance-schema.ts";

/** A fresh, mutable copy of a valid provenance statement. */
const fresh = (state = githubState): any => JSON.parse(JSON.stringify(buildProvenance(inputFor(state))));

/** Applies one breakage to a valid statement and returns checkProvenance's errors. */
function broken(mutate: (s: any) => void, state = githubState): string[] {
  const s = fresh(state);
  mutate(s);
  return checkProvenance(s);
}

describe("checkProvenance catches each broken field", () => {
  test("valid statements have no errors; a non-object is one error", () => {
    for (const st of [githubState, gitlabState, genericState]) expect(checkProvenance(fresh(st))).toEqual([]);
    expect(checkProvenance("x")).toEqual(["statement: must be an object"]);
  });

  test.each<[string, (s: any) => void, string]>([
    ["_type", (s) => (s._type = "https://in-toto.io/Statement/v0.1"), "_type: must be https://in-toto.io/Statement/v1"],
    ["subject empty", (s) => (s.subject = []), "subject: must be a non-empty array"],
    ["subject missing", (s) => delete s.subject, "subject: must be a non-empty array"],
    ["subject digest missing", (s) => delete s.subject[0].digest, "subject[0].digest: required"],
    ["subject digest empty", (s) => (s.subject[0].digest = {}), "subject[0].digest: must name at least one digest"],
    ["subject sha256 uppercase", (s) => (s.subject[1].digest.sha256 = "F8".repeat(32)), "subject[1].digest.sha256: must be lowercase hex"],
    ["subject sha256 short", (s) => (s.subject[0].digest.sha256 = "ab"), "subject[0].digest.sha256: must be 64 hex characters"],
    ["subject sha512 length", (s) => (s.subject[0].digest = { sha512: "ab".repeat(32) }), "subject[0].digest.sha512: must be 128 hex characters"],
    ["subject name type", (s) => (s.subject[0].name = 7), "subject[0].name: must be a string"],
    ["predicateType", (s) => (s.predicateType = "https://slsa.dev/provenance/v0.2"), "predicateType: must be https://slsa.dev/provenance/v1"],
    ["predicate", (s) => delete s.predicate, "predicate: required"],
    ["buildDefinition", (s) => delete s.predicate.buildDefinition, "predicate.buildDefinition: required"],
    ["buildType missing", (s) => delete s.predicate.buildDefinition.buildType, "predicate.buildDefinition.buildType: required"],
    ["buildType not a URI", (s) => (s.predicate.buildDefinition.buildType = "github workflow"), "predicate.buildDefinition.buildType: must be a URI"],
    ["externalParameters missing", (s) => delete s.predicate.buildDefinition.externalParameters, "predicate.buildDefinition.externalParameters: required"],
    ["externalParameters array", (s) => (s.predicate.buildDefinition.externalParameters = []), "predicate.buildDefinition.externalParameters: must be an object"],
    ["internalParameters", (s) => (s.predicate.buildDefinition.internalParameters = "x"), "predicate.buildDefinition.internalParameters: must be an object"],
    ["resolvedDependencies type", (s) => (s.predicate.buildDefinition.resolvedDependencies = {}), "predicate.buildDefinition.resolvedDependencies: must be an array"],
    ["dependency without uri/digest/content", (s) => (s.predicate.buildDefinition.resolvedDependencies[1] = { name: "x" }),
      "predicate.buildDefinition.resolvedDependencies[1]: needs at least one of uri, digest, content"],
    ["dependency gitCommit", (s) => (s.predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit = "abc"),
      "predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit: must be 40 or 64 hex characters"],
    ["dependency uri", (s) => (s.predicate.buildDefinition.resolvedDependencies[0].uri = "not a uri"),
      "predicate.buildDefinition.resolvedDependencies[0].uri: must be a URI"],
    ["dependency content", (s) => (s.predicate.buildDefinition.resolvedDependencies[1].content = "v1.0.0!"),
      "predicate.buildDefinition.resolvedDependencies[1].content: must be standard base64"],
    ["dependency mediaType", (s) => (s.predicate.buildDefinition.resolvedDependencies[2].mediaType = "cyclonedx"),
      "predicate.buildDefinition.resolvedDependencies[2].mediaType: must be a media type (type/subtype)"],
    ["dependency downloadLocation", (s) => (s.predicate.buildDefinition.resolvedDependencies[2].downloadLocation = "sbom.json"),
      "predicate.buildDefinition.resolvedDependencies[2].downloadLocation: must be a URI"],
    ["dependency annotations", (s) => (s.predicate.buildDefinition.resolvedDependencies[2].annotations = []),
      "predicate.buildDefinition.resolvedDependencies[2].annotations: must be an object"],
    ["digest value type", (s) => (s.predicate.buildDefinition.resolvedDependencies[2].digest = { sha256: 1 }),
      "predicate.buildDefinition.resolvedDependencies[2].digest.sha256: must be a non-empty string"],
    ["runDetails", (s) => delete s.predicate.runDetails, "predicate.runDetails: required"],
    ["builder", (s) => delete s.predicate.runDetails.builder, "predicate.runDetails.builder: required"],
    ["builder.id missing", (s) => delete s.predicate.runDetails.builder.id, "predicate.runDetails.builder.id: required"],
    ["builder.id not a URI", (s) => (s.predicate.runDetails.builder.id = "cairn local"), "predicate.runDetails.builder.id: must be a URI"],
    ["builderDependencies", (s) => (s.predicate.runDetails.builder.builderDependencies = [{}]),
      "predicate.runDetails.builder.builderDependencies[0]: needs at least one of uri, digest, content"],
    ["builder.version type", (s) => (s.predicate.runDetails.builder.version = "1.0"),
      "predicate.runDetails.builder.version: must be an object mapping string to string"],
    ["builder.version value", (s) => (s.predicate.runDetails.builder.version.cairn = 1), "predicate.runDetails.builder.version.cairn: must be a string"],
    ["metadata type", (s) => (s.predicate.runDetails.metadata = []), "predicate.runDetails.metadata: must be an object"],
    ["invocationId", (s) => (s.predicate.runDetails.metadata.invocationId = 412), "predicate.runDetails.metadata.invocationId: must be a string"],
    ["startedOn offset", (s) => (s.predicate.runDetails.metadata.startedOn = "2026-11-02T10:04:00+01:00"),
      "predicate.runDetails.metadata.startedOn: must be an RFC 3339 UTC timestamp"],
    ["finishedOn impossible date", (s) => (s.predicate.runDetails.metadata.finishedOn = "2026-02-30T10:10:00Z"),
      "predicate.runDetails.metadata.finishedOn: must be an RFC 3339 UTC timestamp"],
    ["byproducts", (s) => (s.predicate.runDetails.byproducts = [{ digest: { sha256: "zz" } }]),
      "predicate.runDetails.byproducts[0].digest.sha256: must be lowercase hex"],
  ])("%s", (_name, mutate, error) => {
    expect(broken(mutate)).toEqual([error]);
  });

  test("every error at once; null and unknown fields count as unset / ignored", () => {
    const errors = broken((s) => {
      s._type = "x";
      s.predicateType = "y";
      delete s.predicate.runDetails.builder.id;
    });
    expect(errors).toHaveLength(3);
    expect(broken((s) => {
      s.predicate.buildDefinition.internalParameters = null;
      s.predicate.runDetails.metadata = null;
      s.predicate.extra = { anything: true };
    })).toEqual([]);
  });
});

describe("checkGithubBuildType", () => {
  const gh = () => fresh().predicate;
  const errorsOf = (mutate: (p: any) => void) => {
    const p = gh();
    mutate(p);
    return checkGithubBuildType(p);
  };

  test("the GitHub build type passes; cairn's and GitLab's do not", () => {
    expect(checkGithubBuildType(gh())).toEqual([]);
    expect(checkGithubBuildType(fresh(genericState).predicate)).toContain(
      "predicate.buildDefinition.buildType: must be https://actions.github.io/buildtypes/workflow/v1",
    );
    expect(checkGithubBuildType(fresh(gitlabState).predicate).length).toBeGreaterThan(3);
  });

  test.each<[string, (p: any) => void, string]>([
    ["extra external parameter", (p) => (p.buildDefinition.externalParameters.runner_environment = "github-hosted"),
      "predicate.buildDefinition.externalParameters.runner_environment: not a parameter of this build type"],
    ["extra workflow key", (p) => (p.buildDefinition.externalParameters.workflow.sha = "x"),
      "predicate.buildDefinition.externalParameters.workflow.sha: not a parameter of this build type"],
    ["ref", (p) => (p.buildDefinition.externalParameters.workflow.ref = "main"),
      "predicate.buildDefinition.externalParameters.workflow.ref: must be a git ref (refs/...)"],
    ["repository .git", (p) => (p.buildDefinition.externalParameters.workflow.repository = "https://github.com/cyberdyne/skynet.git"),
      "predicate.buildDefinition.externalParameters.workflow.repository: must be an https:// URL without .git"],
    ["path missing", (p) => delete p.buildDefinition.externalParameters.workflow.path,
      "predicate.buildDefinition.externalParameters.workflow.path: must be the workflow file's path in the repository"],
    ["event", (p) => (p.buildDefinition.internalParameters.github.event_name = "pull_request"),
      "predicate.buildDefinition.internalParameters.github.event_name: must be one of create, release, push, workflow_dispatch"],
    ["numeric ID", (p) => (p.buildDefinition.internalParameters.github.repository_id = 1296269),
      "predicate.buildDefinition.internalParameters.github.repository_id: must be a numeric string"],
    ["runner environment", (p) => (p.buildDefinition.internalParameters.github.runner_environment = "hosted"),
      "predicate.buildDefinition.internalParameters.github.runner_environment: must be github-hosted or self-hosted"],
    ["unknown github key", (p) => (p.buildDefinition.internalParameters.github.actor = "sarah"),
      "predicate.buildDefinition.internalParameters.github.actor: not a parameter of this build type"],
    ["source uri", (p) => (p.buildDefinition.resolvedDependencies[0].uri = "git+https://github.com/cyberdyne/skynet@refs/heads/dev"),
      "predicate.buildDefinition.resolvedDependencies[0].uri: must be git+https://github.com/cyberdyne/skynet@refs/heads/main"],
    ["source commit", (p) => (p.buildDefinition.resolvedDependencies[0].digest = { sha1: "c2".repeat(20) }),
      "predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit: must be a git commit (40 or 64 lowercase hex)"],
    ["builder.id", (p) => (p.runDetails.builder.id = "https://github.com/cyberdyne/skynet"),
      "predicate.runDetails.builder.id: must be <server>/<owner>/<repo>/.github/workflows/<file>@<ref>"],
    ["invocationId", (p) => (p.runDetails.metadata.invocationId = "https://github.com/cyberdyne/skynet/actions/runs/1536140711"),
      "predicate.runDetails.metadata.invocationId: must be <repository>/actions/runs/<id>/attempts/<attempt>"],
  ])("%s", (_name, mutate, error) => {
    expect(errorsOf(mutate)).toEqual([error]);
  });
});

describe("docs/schemas/cairn-buildtype-workflow-v1.schema.json", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const golden = join(import.meta.dir, "../../test/vectors/slsa/provenance-generic.json");
  const def = () => JSON.parse(readFileSync(golden, "utf8")).predicate.buildDefinition;

  test("validates the generic golden's parameters, and a dry run's", () => {
    expect(validate(def()) ? [] : validate.errors).toEqual([]);
    const dry = structuredClone(buildProvenance(inputFor({ ...genericState, dryRun: true }))!.predicate.buildDefinition);
    expect(validate(dry) ? [] : validate.errors).toEqual([]);
  });

  test("rejects unknown external parameters, a missing contract revision and dryRun false", () => {
    const extra = def();
    extra.externalParameters.branch = "main";
    expect(validate(extra)).toBe(false);
    const noRevision = def();
    delete noRevision.externalParameters.contract.revision;
    expect(validate(noRevision)).toBe(false);
    const dryFalse = def();
    dryFalse.internalParameters.dryRun = false;
    expect(validate(dryFalse)).toBe(false);
  });
});
