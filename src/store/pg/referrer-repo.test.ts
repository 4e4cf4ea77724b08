import { onPostgres } from "./pg-ports.testutil.ts";
import { referrerRepoContract } from "./referrer-repo.contract.testutil.ts";

onPostgres("referrer repo", referrerRepoContract);
