import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isCairnError } from "../errors.ts";
import type { CraftingState } from "../crafter/state/types.ts";
import { canonicalJson } from "../crafter/canonical-json.ts";
import { COMMIT, genericState, githubState, gitlabState, inputFor } from "./fixtures.testutil.ts";
import { builderId, buildProvenance, CAIRN_BUILD_TYPE, LOCAL_BUILDER_ID, SLSA_PROVENANCE_V1 } from "./provenance.ts";
import { checkGithubBuildType, checkProvenance } from "./provenance-schema.ts";
import { GITHUB_BUILD_TYPE } from "./github.ts";

const GOLDEN = join(import.meta.dir, "../../test/vectors/slsa");
const CASES: [string, CraftingState][] = [["github", githubState], ["gitlab", gitlabState], ["generic", genericState]];

type Pred = { buildDefinition: Record<string, any>; runDetails: Record<string, any> };
const predicateOf = (state: CraftingState, over = {}) => buildProvenance(inputFor(state, over))!.predicate as Pred;

describe("golden provenance (UPDATE_GOLDEN=1 regenerates)", () => {
  test.each(CASES)("%s matches test/vectors/slsa byte for byte and passes checkProvenance", (name, state) => {
    const statement = buildProvenance(inputFor(state));
    const text = `${JSON.stringify(statement, null, 2)}\n`;
    const file = join(GOLDEN, `provenance-${name}.json`);
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, text);
    }
    expect(existsSync(file)).toBe(true);
    expect(text).toBe(readFileSync(file, "utf8"));
    expect(checkProvenance(JSON.parse(text))).toEqual([]);
  });

  test("the GitHub golden passes checkGithubBuildType; the others do not claim GitHub's build type", () => {
    const gh = JSON.parse(readFileSync(join(GOLDEN, "provenance-github.json"), "utf8"));
    expect(checkGithubBuildType(gh.predicate)).toEqual([]);
    expect(predicateOf(gitlabState).buildDefinition.buildType).toBe("https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v17.5.0/PROVENANCE.md");
    expect(predicateOf(genericState).buildDefinition.buildType).toBe(CAIRN_BUILD_TYPE);
  });

  test("deterministic: material insertion order does not matter, and keys come out in canonical order", () => {
    for (const [, state] of CASES) {
      const reversed = { ...state, materials: Object.fromEntries(Object.entries(state.materials).reverse()) };
      const a = buildProvenance(inputFor(state));
      expect(JSON.stringify(buildProvenance(inputFor(reversed)))).toBe(JSON.stringify(a));
      expect(canonicalJson(JSON.parse(canonicalJson(a)))).toBe(canonicalJson(a));
    }
  });
});

describe("subjects", () => {
  test("output materials by value, sorted, deduplicated by name+digest; none = no provenance", () => {
    const st = buildProvenance(inputFor(genericState))!;
    expect(st.predicateType).toBe(SLSA_PROVENANCE_V1);
    expect(st.subject).toEqual([
      { name: "SHA256SUMS", digest: { sha256: "e1".repeat(32) } },
      { name: "cairn-linux-amd64", digest: { sha256: "e0".repeat(32) } },
    ]);
    const noOutputs = { ...genericState, materials: { sbom: genericState.materials.sbom! } };
    expect(buildProvenance(inputFor(noOutputs))).toBeUndefined();
  });
});

describe("resolvedDependencies", () => {
  test("GitHub: the workflow's commit first (HEAD is the same commit, so not repeated), then inputs with media types", () => {
    const deps = predicateOf(githubState).buildDefinition.resolvedDependencies;
    expect(deps[0]).toEqual({ uri: "git+https://github.com/cyberdyne/skynet@refs/heads/main", digest: { gitCommit: COMMIT } });
    expect(deps.slice(1)).toEqual([
      { name: "build-ref", digest: { sha256: "b1".repeat(32) }, content: Buffer.from("v1.0.0").toString("base64") },
      { name: "sbom", digest: { sha256: "5b".repeat(32) }, mediaType: "application/vnd.cyclonedx+json" },
      { name: "tests", digest: { sha256: "7e".repeat(32) }, mediaType: "application/xml" },
    ]);
  });

  test("a checked-out HEAD other than GITHUB_SHA is listed after the source, without a ref", () => {
    const other = "ab".repeat(20);
    const state = { ...githubState, git: { ...githubState.git!, hash: other } };
    expect(predicateOf(state).buildDefinition.resolvedDependencies[1]).toEqual({
      name: "git.head", uri: "git+https://github.com/cyberdyne/skynet.git", digest: { gitCommit: other },
    });
  });

  test("cairn build type: HEAD first; uri-less git.head without a remote (SHA-256 commit kept as gitCommit)", () => {
    const deps = predicateOf(genericState).buildDefinition.resolvedDependencies;
    expect(deps[0]).toEqual({ name: "git.head", digest: { gitCommit: "9d1a".repeat(16) } });
    expect(deps.map((d: { name: string }) => d.name)).toEqual(["git.head", "channel", "notes", "sbom"]);
    expect(deps.find((d: { name: string }) => d.name === "notes")).not.toHaveProperty("mediaType");
  });

  test("a pull_request run gets the cairn build type, its HEAD with GITHUB_REF when HEAD is GITHUB_SHA", () => {
    const pr = { ...githubState, env: { ...githubState.env, GITHUB_EVENT_NAME: "pull_request", GITHUB_REF: "refs/pull/7/merge" } };
    const def = predicateOf(pr).buildDefinition;
    expect(def.buildType).toBe(CAIRN_BUILD_TYPE);
    expect(def.resolvedDependencies[0].uri).toBe("git+https://github.com/cyberdyne/skynet.git@refs/pull/7/merge");
  });
});

describe("build types", () => {
  test("GitHub: exactly the documented parameters", () => {
    const def = predicateOf(githubState).buildDefinition;
    expect(def.buildType).toBe(GITHUB_BUILD_TYPE);
    expect(def.externalParameters).toEqual({
      workflow: { ref: "refs/heads/main", repository: "https://github.com/cyberdyne/skynet", path: ".github/workflows/release.yml" },
    });
    expect(def.internalParameters).toEqual({
      github: { event_name: "push", repository_id: "1296269", repository_owner_id: "583231", runner_environment: "github-hosted" },
    });
  });

  test("GitHub: unset (or malformed) optional IDs are left out; without GITHUB_WORKFLOW_REF the cairn type is used", () => {
    const { GITHUB_REPOSITORY_ID: _id, RUNNER_ENVIRONMENT: _env, ...rest } = githubState.env;
    const partial = { ...githubState, env: { ...rest, GITHUB_REPOSITORY_OWNER_ID: "x1" } };
    expect(predicateOf(partial).buildDefinition.internalParameters).toEqual({ github: { event_name: "push" } });
    const { GITHUB_WORKFLOW_REF: _w, ...noWorkflow } = githubState.env;
    const p = predicateOf({ ...githubState, env: noWorkflow });
    expect(p.buildDefinition.buildType).toBe(CAIRN_BUILD_TYPE);
    expect(p.runDetails.builder.id).toBe("https://github.com");
  });

  test("GitLab: source, entryPoint, the recorded variables; runner name, arch and job ID", () => {
    const def = predicateOf(gitlabState).buildDefinition;
    expect(def.externalParameters.source).toBe("https://gitlab.example.com/cyberdyne/skynet");
    expect(def.externalParameters.entryPoint).toBe("build-job");
    expect(def.externalParameters.variables).toEqual(gitlabState.env);
    expect(Object.keys(def.externalParameters.variables)).toEqual(Object.keys(gitlabState.env).sort());
    expect(def.internalParameters).toEqual({ name: "shared-arm-1", architecture: "arm64", job: 412 });
    expect(def.resolvedDependencies[0]).toEqual({ uri: "https://gitlab.example.com/cyberdyne/skynet", digest: { gitCommit: COMMIT } });
    const dev = { ...gitlabState, env: { ...gitlabState.env, CI_RUNNER_VERSION: "17.6.0~pre.12.g1234abcd" } };
    expect(predicateOf(dev).buildDefinition.buildType).toBe(CAIRN_BUILD_TYPE);
    const { CI_RUNNER_ID: _r, ...noRunner } = gitlabState.env;
    const p = predicateOf({ ...gitlabState, env: noRunner });
    expect(p.buildDefinition.buildType).toBe(CAIRN_BUILD_TYPE);
    expect(p.runDetails.builder.id).toBe("https://gitlab.example.com");
  });

  test("cairn: workflow and contract as external, runner and attestation as internal; dryRun only when true", () => {
    const def = predicateOf(genericState).buildDefinition;
    expect(def.externalParameters).toEqual({
      workflow: { organization: "cyberdyne", project: "skynet", name: "release" },
      contract: { name: "skynet-release", revision: 2 },
      projectVersion: "1.0.0",
    });
    expect(def.internalParameters).toEqual({
      runner: { type: "RUNNER_TYPE_UNSPECIFIED" }, contractRevisionLatest: 3, attestationId: genericState.attestationId,
    });
    expect(predicateOf({ ...genericState, dryRun: true }).buildDefinition.internalParameters.dryRun).toBe(true);
  });
});

describe("runDetails", () => {
  test("GitHub: builder.id is the workflow ref, invocationId the run attempt", () => {
    const run = predicateOf(githubState).runDetails;
    expect(run.builder).toEqual({
      id: "https://github.com/cyberdyne/skynet/.github/workflows/release.yml@refs/heads/main", version: { cairn: "0.0.0-golden" },
    });
    expect(run.metadata).toEqual({
      invocationId: "https://github.com/cyberdyne/skynet/actions/runs/1536140711/attempts/1",
      startedOn: "2026-11-02T10:04:00.000Z", finishedOn: "2026-11-02T10:10:00.000Z",
    });
    expect(run.byproducts).toEqual([
      { name: "cairn-attestation", digest: { sha256: "a1".repeat(32) }, mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" },
    ]);
  });

  test("builder.id rule: platform build type's id, control plane, platform id, run URL origin, cairn://runner/<TYPE>, cairn://local", () => {
    const cp = "https://cairn.example/";
    // GitHub's and GitLab's build types keep their own builder.id, also when crafting through a control plane.
    expect(predicateOf(githubState, { controlPlane: cp }).runDetails.builder.id).toBe(
      "https://github.com/cyberdyne/skynet/.github/workflows/release.yml@refs/heads/main",
    );
    expect(checkGithubBuildType(predicateOf(githubState, { controlPlane: cp }))).toEqual([]);
    expect(builderId(gitlabState, "https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v17.5.0/PROVENANCE.md", cp))
      .toBe("https://gitlab.example.com/cyberdyne/skynet/-/runners/33");
    // Under cairn's build type the control plane comes first, then the platform's id.
    expect(builderId(githubState, CAIRN_BUILD_TYPE, cp)).toBe("https://cairn.example");
    expect(builderId(genericState, CAIRN_BUILD_TYPE, cp)).toBe("https://cairn.example");
    expect(builderId(githubState, CAIRN_BUILD_TYPE)).toBe("https://github.com/cyberdyne/skynet/.github/workflows/release.yml@refs/heads/main");
    const jenkins = { ...genericState, runner: { type: "JENKINS_JOB" as const, url: "https://ci.example:8443/job/api/5/" } };
    expect(builderId(jenkins, CAIRN_BUILD_TYPE)).toBe("https://ci.example:8443");
    const tekton = { ...genericState, runner: { type: "TEKTON_PIPELINE" as const, url: "tekton://ci/taskruns/tr" } };
    expect(builderId(tekton, CAIRN_BUILD_TYPE)).toBe("cairn://runner/TEKTON_PIPELINE");
    expect(builderId(genericState, CAIRN_BUILD_TYPE)).toBe(LOCAL_BUILDER_ID);
    expect(predicateOf(genericState).runDetails.metadata).toEqual({ startedOn: genericState.initializedAt, finishedOn: "2026-11-02T10:10:00.000Z" });
  });

  test("bad inputs are refused naming the field", () => {
    const codes = (over: object) => {
      try {
        buildProvenance(inputFor(genericState, over));
        return "ok";
      } catch (e) {
        return isCairnError(e, "USAGE") ? e.message.split(" ")[0] : "other";
      }
    };
    expect(codes({ attestationDigest: "sha256:ABC" })).toBe("attestationDigest");
    expect(codes({ finishedOn: "2026-11-02 10:10" })).toBe("finishedOn");
    expect(codes({ controlPlane: "cairn.example" })).toBe("controlPlane");
  });
});
