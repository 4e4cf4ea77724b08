// `npm run bench`: speed targets as ratios against baselines measured in the same run on the same files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchAddLarge } from "./add-large.ts";
import { benchControlPlane } from "./control-plane.ts";
import { benchPolicyContract } from "./policy-contract.ts";
import { benchLifecycle } from "./lifecycle.ts";
import { benchMaterials } from "./materials.ts";
import { benchOci } from "./oci.ts";
import { benchPolicies } from "./policies.ts";
import { printTable } from "./lib.ts";
import { benchPushThroughput } from "./push-throughput.ts";
import { benchServePush } from "./serve-push.ts";

const only = process.argv[2];
const work = mkdtempSync(join(tmpdir(), "cairn-bench-"));
try {
  if (!only || only === "lifecycle") await benchLifecycle(work);
  if (!only || only === "add") await benchAddLarge(work);
  if (!only || only === "materials") await benchMaterials(work);
  if (!only || only === "policies") await benchPolicies(work);
  if (!only || only === "policies") await benchPolicyContract(work);
  if (!only || only === "push") await benchPushThroughput(work);
  if (!only || only === "control-plane") await benchControlPlane(work);
  if (!only || only === "serve") await benchServePush(work);
  if (!only || only === "keyless") await (await import("./keyless.ts")).benchKeyless(work);
  if (!only || only === "tlog") await (await import("./tlog.ts")).benchTlog(work);
  if (!only || only === "oci") await benchOci(work);
  if (!only || only === "transfer") await (await import("./transfer.ts")).benchTransfer(work);
  if (!only || only === "verify") await (await import("./verify.ts")).benchVerify(work);
  if (!only || only === "scale") await (await import("./scale.ts")).benchScale(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
printTable();
