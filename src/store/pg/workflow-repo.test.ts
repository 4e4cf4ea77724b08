import { onPostgres } from "./pg-ports.testutil.ts";
import { workflowRepoContract } from "../contracts/workflow-port.contract.testutil.ts";

onPostgres("workflow repo", workflowRepoContract);
