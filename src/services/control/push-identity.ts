import { CairnError } from "../../errors.ts";
import type { RunView } from "../../store/run-port.ts";
import { workflowIdentity } from "../../trust/identity.ts";
import type { Signer } from "../../trust/verifier.ts";
import { HOME_CA_NAME } from "../trust-roots.ts";

/**
 * Who may sign a verified push with a certificate: only the server's own CA vouches for cairn identities, and the
 * identity must be the run's own workflow under this server's issuer — so a token scoped to one workflow, whose
 * identity token names only that workflow, cannot sign another's run, even inside one organization. Certificates
 * of other roots (public Sigstore, another organization's Fulcio) name people and CI jobs, not cairn workflows:
 * they may be materials, but do not sign pushes. Key-signed pushes are checked against the organization's keys.
 */
export function checkPushIdentity(signer: Signer, run: RunView, org: string, issuer: string | undefined): void {
  if (signer.kind !== "certificate") return;
  if (signer.root !== HOME_CA_NAME) {
    throw new CairnError("VERIFY_FAILED", `the bundle is certificate-signed by a CA of trusted root ${signer.root}, not by this server's own CA`, {
      hint: "push keyless through this server (`att push` with no --key gets its certificate here), or sign with a key registered in the organization",
    });
  }
  if (issuer === undefined) throw new CairnError("VERIFY_FAILED", "certificate-signed pushes are taken only by a `cairn serve`, which knows its issuer");
  const want = workflowIdentity(issuer, org, run.project, run.workflow);
  if (signer.san !== want || signer.issuer !== issuer) {
    throw new CairnError("VERIFY_FAILED", `the certificate names ${signer.san || "(no SAN)"} (issuer ${signer.issuer ?? "none"}), but workflow run ${run.id} needs ${want} (issuer ${issuer})`, {
      hint: "get the certificate with a token of this run's workflow: `att push` with no --key does it",
    });
  }
}
