import { onPostgres } from "./pg-ports.testutil.ts";
import { runRepoContract } from "./run-repo.contract.testutil.ts";

onPostgres("run repo", runRepoContract);
