/** Variable lists shared by several runners (Dagger re-exports the host CI's pull/merge request context). */

/** GitHub Actions pull-request context (optional everywhere). */
export const GITHUB_PR_VARS = ["GITHUB_EVENT_NAME", "GITHUB_HEAD_REF", "GITHUB_BASE_REF", "GITHUB_EVENT_PATH"] as const;

/** GitLab CI merge-request context (optional everywhere). */
export const GITLAB_MR_VARS = [
  "CI_PIPELINE_SOURCE",
  "CI_MERGE_REQUEST_IID",
  "CI_MERGE_REQUEST_TITLE",
  "CI_MERGE_REQUEST_DESCRIPTION",
  "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
  "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
  "CI_MERGE_REQUEST_PROJECT_URL",
  "CI_MERGE_REQUEST_PROJECT_PATH",
] as const;
