import { controlPlaneRepoContract } from "./control-plane-repo.contract.testutil.ts";
import { onPostgres } from "./pg-ports.testutil.ts";

onPostgres("control-plane repo", controlPlaneRepoContract);
