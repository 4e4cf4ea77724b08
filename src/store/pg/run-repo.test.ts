import { onPostgres } from "./pg-ports.testutil.ts";
import { runRepoContract } from "../contracts/run-port.contract.testutil.ts";

onPostgres("run repo", runRepoContract);
