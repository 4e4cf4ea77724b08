import { afterAll, describe, expect, test } from "bun:test";
import { testStore, type TestStore } from "../services/control/runs.testutil.ts";
import { addMaterial } from "../services/crafting/add.ts";
import { initAttestation } from "../services/crafting/init.ts";
import { pushAttestation, type PushResult } from "../services/crafting/push.ts";
import { attestationStatus } from "../services/crafting/status.ts";
import type { CraftingState } from "../crafter/state/types.ts";
import { shortDigest } from "../crafter/short-digest.ts";
import { cell, pushSummary, renderSummary, statusSummary, type SummaryData } from "./summary.ts";

const stores: TestStore[] = [];
afterAll(() => stores.forEach((s) => s.cleanup()));

const D1 = "sha256:12d6ca6f0123456789abcdef0123456789abcdef0123456789abcdef01234567";
const D2 = "sha256:ffeeddcc0123456789abcdef0123456789abcdef0123456789abcdef01234567";

const data: SummaryData = {
  title: "attestation pushed",
  workflow: { project: "acme", name: "build" },
  contract: { name: "build-contract", revision: 2, latest: 3 },
  materials: [
    { name: "binary", kind: "ARTIFACT", output: true, digest: D1 },
    { name: "sbom", kind: "SBOM_CYCLONEDX_JSON", output: false },
  ],
  policies: [
    { policy: "sbom-present", digest: D2, material: "binary", inputs: {}, violations: [], gate: false },
    { policy: "no-root", digest: D2, inputs: {}, violations: [{ rule: "root", message: "runs | as\nroot" }], gate: true },
  ],
  gate: "blocked",
  attestation: { digest: D2, dryRun: false, storedAt: "https://cp.example/api/v1/runs/r1/attestation", runUrl: "https://cp.example/runs/r1" },
  provenance: { digest: D1 },
};

describe("renderSummary", () => {
  test("a push: workflow, contract revisions, materials with kinds and short digests, verdicts, digests, run link", async () => {
    expect(renderSummary(data)).toBe(
      [
        "### cairn: attestation pushed",
        "",
        "|  |  |",
        "|---|---|",
        "| Workflow | acme/build |",
        "| Contract | build-contract, revision 2 (latest 3) |",
        `| Attestation | \`${D2}\` stored at https://cp.example/api/v1/runs/r1/attestation |`,
        "| Run | [https://cp.example/runs/r1](https://cp.example/runs/r1) |",
        `| SLSA provenance | \`${D1}\` |`,
        "| Policy gate | **blocked**: gated policy violations |",
        "",
        "#### Materials",
        "",
        "| Name | Kind | Digest |",
        "|---|---|---|",
        "| binary (output) | ARTIFACT | `sha256:12d6ca6f…` |",
        "| sbom | SBOM\\_CYCLONEDX\\_JSON | not set |",
        "",
        "#### Policies",
        "",
        "| Material | Policy | Gate | Verdict |",
        "|---|---|---|---|",
        "| binary | sbom-present | no | passed |",
        "| (attestation) | no-root | yes | **blocked**: 1 violation<br>root: runs \\| as<br>root |",
        "",
      ].join("\n"),
    );
  });

  test("the latest revision in use, a dry-run, no policies: no policy table, nothing stored", async () => {
    const md = renderSummary({ ...data, contract: { name: "c", revision: 3, latest: 3 }, policies: [], gate: undefined, attestation: { digest: D2, dryRun: true }, provenance: undefined });
    expect(md).toContain("| Contract | c, revision 3 (latest) |");
    expect(md).toContain(`| Attestation | \`${D2}\` not stored (dry-run) |`);
    expect(md).not.toContain("Policies");
    expect(md).not.toContain("Run |");
  });

  test("cells: pipes, newlines, HTML and Markdown punctuation cannot break the table or inject markup", async () => {
    expect(cell("a|b")).toBe("a\\|b");
    expect(cell("one\r\ntwo\nthree")).toBe("one<br>two<br>three");
    expect(cell("<img src=x onerror=alert(1)> & `x` *b* [l](u)")).toBe("&lt;img src=x onerror=alert(1)&gt; &amp; \\`x\\` \\*b\\* \\[l\\](u)");
    const md = renderSummary({ ...data, materials: [{ name: "evil|name\n| injected |", kind: "STRING", output: false, digest: D1 }] });
    const row = md.split("\n").find((l) => l.includes("evil"))!;
    expect(row).toBe("| evil\\|name<br>\\| injected \\| | STRING | `sha256:12d6ca6f…` |");
    expect(row.replace(/\\\|/g, "").split("|").length).toBe(5); // exactly three cells
  });

  test("short digests: algorithm and 8 hex digits", () => {
    expect(shortDigest(D1)).toBe("sha256:12d6ca6f…");
    expect(shortDigest("sha256:abc")).toBe("sha256:abc");
  });
});

describe("summaries of a real push and status", () => {
  test("status lists what is still required; the push names every material, the digests and the provenance", async () => {
    const s = await testStore();
    stores.push(s);
    const contract = "schemaVersion: v1\nmaterials:\n  - {name: binary, type: ARTIFACT, output: true}\n  - {name: note, type: STRING, optional: true}\n";
    await initAttestation(s.app, { workflow: "build", project: "acme", contract: s.file("contract.yaml", contract), dryRun: false, replace: true });
    const before = renderSummary(statusSummary(await attestationStatus(s.app)));
    expect(before).toContain("### cairn: attestation in progress");
    expect(before).toContain("| Still required | binary |");
    expect(before).toContain("| binary (output) | ARTIFACT | not set |");
    await addMaterial(s.app, { name: "binary", value: s.file("app.bin", "app\n"), annotations: {}, strict: true });
    let seen: [PushResult, CraftingState] | undefined;
    const r = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {}, onPushed: (...a) => (seen = a) });
    expect(seen?.[0]).toEqual(r);
    const md = renderSummary(pushSummary(...seen!));
    const binary = r.statement.subject.find((x) => x.name === "app.bin")!.digest.sha256!;
    expect(md).toContain("| Workflow | acme/build |");
    expect(md).toContain(`| Contract | ${cell(seen![1].workflow.contractName)}, revision 1 (latest) |`);
    expect(md).toContain(`| binary (output) | ARTIFACT | \`sha256:${binary.slice(0, 8)}…\` |`);
    expect(md).toContain("| note | STRING | not set |");
    expect(md).toContain(`| Attestation | \`${r.digest}\` stored at ${cell(r.storedAt!)} |`);
    expect(md).toContain(`| SLSA provenance | \`${r.provenance!.digest}\``);
  });
});
