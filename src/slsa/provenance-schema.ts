// Field-by-field checks of SLSA Provenance v1 (slsa.dev/provenance/v1, schema provenance.cue) in an in-toto
// Statement v1, and of GitHub's workflow build type. Each returns every error as `<json path>: <problem>`; empty =
// valid. Unknown fields are not errors: SLSA consumers ignore them.
import { STATEMENT_TYPE } from "../crafter/statement.ts";
import {
  checkDescriptors, checkDigestSet, isObject, isTimestamp, isUnset, isUri, requireObject, type Errors,
} from "./field-checks.ts";
import { GITHUB_BUILD_TYPE, GITHUB_EVENTS, RUNNER_ENVIRONMENTS } from "./github.ts";
import { SLSA_PROVENANCE_V1 } from "./provenance.ts";

/** The statement's envelope fields, then the predicate's buildDefinition and runDetails. */
export function checkProvenance(statement: unknown): string[] {
  const errors: Errors = [];
  if (!isObject(statement)) return ["statement: must be an object"];
  if (statement._type !== STATEMENT_TYPE) errors.push(`_type: must be ${STATEMENT_TYPE}`);
  const subject = statement.subject;
  if (!Array.isArray(subject) || subject.length === 0) errors.push("subject: must be a non-empty array");
  else subject.forEach((s, i) => checkSubject(s, `subject[${i}]`, errors));
  if (statement.predicateType !== SLSA_PROVENANCE_V1) errors.push(`predicateType: must be ${SLSA_PROVENANCE_V1}`);
  const predicate = requireObject(statement, "predicate", "predicate", errors);
  if (predicate === undefined) return errors;
  const def = requireObject(predicate, "buildDefinition", "predicate.buildDefinition", errors);
  if (def !== undefined) checkBuildDefinition(def, "predicate.buildDefinition", errors);
  const run = requireObject(predicate, "runDetails", "predicate.runDetails", errors);
  if (run !== undefined) checkRunDetails(run, "predicate.runDetails", errors);
  return errors;
}

/** A subject: a descriptor matched by digest, so the digest is required. */
function checkSubject(s: unknown, path: string, errors: Errors): void {
  if (!isObject(s)) return void errors.push(`${path}: must be an object`);
  if (!isUnset(s.name) && typeof s.name !== "string") errors.push(`${path}.name: must be a string`);
  if (isUnset(s.digest)) errors.push(`${path}.digest: required`);
  else checkDigestSet(s.digest, `${path}.digest`, errors);
}

function checkBuildDefinition(def: Record<string, unknown>, path: string, errors: Errors): void {
  if (isUnset(def.buildType)) errors.push(`${path}.buildType: required`);
  else if (!isUri(def.buildType)) errors.push(`${path}.buildType: must be a URI`);
  requireObject(def, "externalParameters", `${path}.externalParameters`, errors);
  if (!isUnset(def.internalParameters) && !isObject(def.internalParameters)) errors.push(`${path}.internalParameters: must be an object`);
  checkDescriptors(def.resolvedDependencies, `${path}.resolvedDependencies`, errors);
}

function checkRunDetails(run: Record<string, unknown>, path: string, errors: Errors): void {
  const builder = requireObject(run, "builder", `${path}.builder`, errors);
  if (builder !== undefined) {
    if (isUnset(builder.id)) errors.push(`${path}.builder.id: required`);
    else if (!isUri(builder.id)) errors.push(`${path}.builder.id: must be a URI`);
    checkDescriptors(builder.builderDependencies, `${path}.builder.builderDependencies`, errors);
    if (!isUnset(builder.version)) {
      if (!isObject(builder.version)) errors.push(`${path}.builder.version: must be an object mapping string to string`);
      else for (const [k, v] of Object.entries(builder.version)) if (typeof v !== "string") errors.push(`${path}.builder.version.${k}: must be a string`);
    }
  }
  const metadata = run.metadata;
  if (!isUnset(metadata)) {
    if (!isObject(metadata)) errors.push(`${path}.metadata: must be an object`);
    else {
      if (!isUnset(metadata.invocationId) && typeof metadata.invocationId !== "string") errors.push(`${path}.metadata.invocationId: must be a string`);
      for (const k of ["startedOn", "finishedOn"]) {
        if (!isUnset(metadata[k]) && !isTimestamp(metadata[k])) errors.push(`${path}.metadata.${k}: must be an RFC 3339 UTC timestamp`);
      }
    }
  }
  checkDescriptors(run.byproducts, `${path}.byproducts`, errors);
}

const GITHUB_KEYS = ["event_name", "repository_id", "repository_owner_id", "runner_environment"];

/**
 * GitHub's workflow build type on a provenance predicate: exactly externalParameters.workflow {ref, repository,
 * path}; internalParameters.github with the event (an allowed one), numeric-string IDs and the runner environment;
 * resolvedDependencies[0] the workflow's commit; builder.id a workflow ref; invocationId the run attempt's URL.
 */
export function checkGithubBuildType(predicate: unknown): string[] {
  const errors: Errors = [];
  const p = "predicate.buildDefinition";
  if (!isObject(predicate) || !isObject(predicate.buildDefinition)) return [`${p}: required`];
  const def = predicate.buildDefinition;
  if (def.buildType !== GITHUB_BUILD_TYPE) errors.push(`${p}.buildType: must be ${GITHUB_BUILD_TYPE}`);
  const ext = requireObject(def, "externalParameters", `${p}.externalParameters`, errors);
  const workflow = ext === undefined ? undefined : requireObject(ext, "workflow", `${p}.externalParameters.workflow`, errors);
  onlyKeys(ext, ["workflow"], `${p}.externalParameters`, errors);
  onlyKeys(workflow, ["ref", "repository", "path"], `${p}.externalParameters.workflow`, errors);
  const w = (k: string) => (typeof workflow?.[k] === "string" && workflow[k] !== "" ? (workflow[k] as string) : undefined);
  // Only well-formed values are cross-checked below, so one bad field is one error.
  const ref = w("ref")?.startsWith("refs/") ? w("ref") : undefined;
  const repo = w("repository");
  const repository = repo !== undefined && /^https:\/\/[^\s]+$/.test(repo) && !repo.endsWith(".git") ? repo : undefined;
  const path = w("path");
  if (workflow !== undefined) {
    if (ref === undefined) errors.push(`${p}.externalParameters.workflow.ref: must be a git ref (refs/...)`);
    if (repository === undefined) errors.push(`${p}.externalParameters.workflow.repository: must be an https:// URL without .git`);
    if (path === undefined || path.startsWith("/")) errors.push(`${p}.externalParameters.workflow.path: must be the workflow file's path in the repository`);
  }
  checkGithubInternal(def.internalParameters, `${p}.internalParameters`, errors);
  const source = Array.isArray(def.resolvedDependencies) && isObject(def.resolvedDependencies[0]) ? def.resolvedDependencies[0] : undefined;
  if (source === undefined) errors.push(`${p}.resolvedDependencies[0]: required (the workflow's commit)`);
  else {
    if (ref !== undefined && repository !== undefined && source.uri !== `git+${repository}@${ref}`) {
      errors.push(`${p}.resolvedDependencies[0].uri: must be git+${repository}@${ref}`);
    }
    const commit = isObject(source.digest) ? source.digest.gitCommit : undefined;
    if (typeof commit !== "string" || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) errors.push(`${p}.resolvedDependencies[0].digest.gitCommit: must be a git commit (40 or 64 lowercase hex)`);
  }
  const run = isObject(predicate.runDetails) ? predicate.runDetails : {};
  const id = isObject(run.builder) ? run.builder.id : undefined;
  if (typeof id !== "string" || !/^https:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+\/\.github\/workflows\/[^@\s]+@refs\/\S+$/.test(id)) {
    errors.push("predicate.runDetails.builder.id: must be <server>/<owner>/<repo>/.github/workflows/<file>@<ref>");
  }
  const invocation = isObject(run.metadata) ? run.metadata.invocationId : undefined;
  if (!isUnset(invocation) && (typeof invocation !== "string" || !/^https:\/\/\S+\/actions\/runs\/[0-9]+\/attempts\/[0-9]+$/.test(invocation) ||
    (repository !== undefined && !invocation.startsWith(`${repository}/actions/runs/`)))) {
    errors.push("predicate.runDetails.metadata.invocationId: must be <repository>/actions/runs/<id>/attempts/<attempt>");
  }
  return errors;
}

function checkGithubInternal(v: unknown, path: string, errors: Errors): void {
  if (isUnset(v)) return;
  if (!isObject(v)) return void errors.push(`${path}: must be an object`);
  onlyKeys(v, ["github"], path, errors);
  if (isUnset(v.github)) return;
  if (!isObject(v.github)) return void errors.push(`${path}.github: must be an object`);
  const g = v.github;
  onlyKeys(g, GITHUB_KEYS, `${path}.github`, errors);
  if (!isUnset(g.event_name) && !GITHUB_EVENTS.includes(g.event_name as string)) errors.push(`${path}.github.event_name: must be one of ${GITHUB_EVENTS.join(", ")}`);
  for (const k of ["repository_id", "repository_owner_id"]) {
    if (!isUnset(g[k]) && (typeof g[k] !== "string" || !/^[0-9]+$/.test(g[k] as string))) errors.push(`${path}.github.${k}: must be a numeric string`);
  }
  if (!isUnset(g.runner_environment) && !RUNNER_ENVIRONMENTS.includes(g.runner_environment as string)) {
    errors.push(`${path}.github.runner_environment: must be ${RUNNER_ENVIRONMENTS.join(" or ")}`);
  }
}

function onlyKeys(v: Record<string, unknown> | undefined, allowed: readonly string[], path: string, errors: Errors): void {
  if (v === undefined) return;
  for (const k of Object.keys(v)) if (!allowed.includes(k)) errors.push(`${path}.${k}: not a parameter of this build type`);
}
