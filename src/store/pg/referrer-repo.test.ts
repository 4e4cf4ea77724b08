import { onPostgres } from "./pg-ports.testutil.ts";
import { referrerRepoContract } from "../contracts/referrer-port.contract.testutil.ts";

onPostgres("referrer repo", referrerRepoContract);
