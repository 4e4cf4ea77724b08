// Hand-written crafting states for the SLSA provenance tests and golden files (test/vectors/slsa/), with a fixed clock.
import { EMPTY_CONTRACT } from "../crafter/contract/types.ts";
import type { CraftingState, RecordedMaterial } from "../crafter/state/types.ts";
import type { ProvenanceInput } from "./provenance.ts";

export const FINISHED_ON = "2026-11-02T10:10:00.000Z";
export const BUILDER_VERSION = "0.0.0-golden";
export const ATTESTATION_DIGEST = `sha256:${"a1".repeat(32)}`;
export const COMMIT = "c27d339ee6075c1f744c5d4b200f7901aad2c369";

const hex = (byte: string) => `sha256:${byte.repeat(32)}`;

function material(name: string, kind: string, value: string, digest: string, extra: Partial<RecordedMaterial> = {}): RecordedMaterial {
  return {
    name, kind, value, digest, uploaded: kind !== "STRING" && kind !== "CONTAINER_IMAGE", output: false, required: true,
    fromContract: true, addedAt: "2026-11-02T10:05:00.000Z", annotations: {}, warnings: [], ...extra,
  };
}

function base(over: Partial<CraftingState>): CraftingState {
  return {
    version: 1,
    attestationId: "0b6c9d2e-1111-4a5b-9c8d-7e6f5a4b3c2d",
    dryRun: false,
    initializedAt: "2026-11-02T10:04:00.000Z",
    workflow: {
      name: "release", project: "skynet", organization: "cyberdyne", contractName: "skynet-release",
      contractRevision: 2, contractRevisionLatest: 3, workflowId: "2d289d33-8241-47b7-9ea2-8bd8b7c126f8",
    },
    contract: EMPTY_CONTRACT,
    runner: { type: "RUNNER_TYPE_UNSPECIFIED" },
    env: {},
    materials: {},
    ...over,
  };
}

const byName = (...ms: RecordedMaterial[]) => Object.fromEntries(ms.map((m) => [m.name, m]));

/** A push to main on github.com, every variable the GitHub build type needs recorded; HEAD = GITHUB_SHA. */
export const githubState: CraftingState = base({
  runner: { type: "GITHUB_ACTION", url: "https://github.com/cyberdyne/skynet/actions/runs/1536140711" },
  env: {
    GITHUB_ACTOR: "sarah", GITHUB_REF: "refs/heads/main", GITHUB_REPOSITORY: "cyberdyne/skynet", GITHUB_REPOSITORY_OWNER: "cyberdyne",
    GITHUB_RUN_ID: "1536140711", GITHUB_SHA: COMMIT, RUNNER_NAME: "GitHub Actions 2", RUNNER_OS: "Linux", GITHUB_EVENT_NAME: "push",
    GITHUB_SERVER_URL: "https://github.com", GITHUB_WORKFLOW_REF: "cyberdyne/skynet/.github/workflows/release.yml@refs/heads/main",
    GITHUB_RUN_ATTEMPT: "1", GITHUB_REPOSITORY_ID: "1296269", GITHUB_REPOSITORY_OWNER_ID: "583231", RUNNER_ENVIRONMENT: "github-hosted",
  },
  git: {
    hash: COMMIT, authorName: "Sarah Connor", authorEmail: "sarah@cyberdyne.example", message: "Release 1.0",
    date: "2026-11-02T09:58:00Z", remotes: [{ name: "origin", url: "https://github.com/cyberdyne/skynet.git" }],
  },
  materials: byName(
    material("rootfs", "ARTIFACT", "rootfs.tar.gz", hex("f8"), { output: true, size: 7 }),
    material("image", "CONTAINER_IMAGE", "ghcr.io/cyberdyne/skynet:1.0", hex("0c"), {
      output: true, annotations: { "cairn.material.image.media_type": "application/vnd.oci.image.index.v1+json" },
    }),
    material("sbom", "SBOM_CYCLONEDX_JSON", "sbom.cdx.json", hex("5b")),
    material("tests", "JUNIT_XML", "junit.xml", hex("7e")),
    material("build-ref", "STRING", "v1.0.0", hex("b1")),
  ),
});

/** A GitLab job on a self-managed instance, runner 17.5.0; HEAD = CI_COMMIT_SHA. */
export const gitlabState: CraftingState = base({
  runner: { type: "GITLAB_PIPELINE", url: "https://gitlab.example.com/cyberdyne/skynet/-/jobs/412" },
  env: {
    GITLAB_USER_EMAIL: "sarah@cyberdyne.example", GITLAB_USER_LOGIN: "sarah", CI_SERVER_URL: "https://gitlab.example.com",
    CI_PROJECT_URL: "https://gitlab.example.com/cyberdyne/skynet", CI_COMMIT_SHA: COMMIT,
    CI_JOB_URL: "https://gitlab.example.com/cyberdyne/skynet/-/jobs/412", CI_PIPELINE_URL: "https://gitlab.example.com/cyberdyne/skynet/-/pipelines/576",
    CI_RUNNER_VERSION: "17.5.0", CI_COMMIT_REF_NAME: "main", CI_PROJECT_PATH: "cyberdyne/skynet", CI_RUNNER_DESCRIPTION: "shared-arm-1",
    CI_PIPELINE_SOURCE: "push", CI_JOB_ID: "412", CI_JOB_NAME: "build-job", CI_RUNNER_ID: "33", CI_RUNNER_EXECUTABLE_ARCH: "linux/arm64",
  },
  git: {
    hash: COMMIT, authorName: "Sarah Connor", authorEmail: "sarah@cyberdyne.example", message: "Release 1.0",
    date: "2026-11-02T09:58:00Z", remotes: [{ name: "origin", url: "git@gitlab.example.com:cyberdyne/skynet.git" }],
  },
  materials: byName(
    material("dist", "ARTIFACT", "skynet-1.0.tar.gz", hex("d1"), { output: true, size: 1024 }),
    material("sast", "SARIF", "gl-sast.sarif", hex("5a")),
    material("upstream", "ATTESTATION", "base.attestation.json", hex("ab"), {
      annotations: { "cairn.material.attestation.container": "bundle-0.3" },
    }),
  ),
});

/** A laptop run (no CI, no remote, a SHA-256 repository), with a project version and a duplicated output. */
export const genericState: CraftingState = base({
  workflow: { ...base({}).workflow, projectVersion: { version: "1.0.0", prerelease: true, markAsReleased: false } },
  git: {
    hash: "9d1a".repeat(16), authorName: "Miles Dyson", authorEmail: "miles@cyberdyne.example", message: "Local build",
    date: "2026-11-02T09:58:00Z", remotes: [],
  },
  materials: byName(
    material("binary", "ARTIFACT", "cairn-linux-amd64", hex("e0"), { output: true }),
    material("binary-copy", "ARTIFACT", "cairn-linux-amd64", hex("e0"), { output: true }),
    material("checksums", "ARTIFACT", "SHA256SUMS", hex("e1"), { output: true }),
    material("sbom", "SBOM_SPDX_JSON", "sbom.spdx.json", hex("5c")),
    material("notes", "EVIDENCE", "notes.md", hex("ee")),
    material("channel", "STRING", "stable", hex("c4")),
  ),
});

export function inputFor(state: CraftingState, over: Partial<ProvenanceInput> = {}): ProvenanceInput {
  return { state, attestationDigest: ATTESTATION_DIGEST, builderVersion: BUILDER_VERSION, finishedOn: FINISHED_ON, ...over };
}
