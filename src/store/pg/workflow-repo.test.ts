import { onPostgres } from "./pg-ports.testutil.ts";
import { workflowRepoContract } from "./workflow-repo.contract.testutil.ts";

onPostgres("workflow repo", workflowRepoContract);
