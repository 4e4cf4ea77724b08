/**
 * docs/policies.md: the format and the projections (written here, next to the code they describe) and
 * the built-in library (generated from the embedded policies). scripts/gen-docs.ts writes it; its test
 * fails when the committed file is stale.
 */
import { BUILTIN_POLICIES } from "./builtin/index.ts";
import { MAX_MACRO_DEPTH } from "./cel.ts";
import { DEFAULT_BUDGET_MS } from "./evaluate.ts";
import { builtinPolicy } from "./library.ts";
import { MAX_POLICY_INPUT_BYTES } from "./project.ts";

const FORMAT = `# Policies

A policy checks evidence: each material as it is added (material rules) or the whole attestation
(attestation rules). Rules are [CEL](https://github.com/google/cel-spec) expressions: side-effect free,
no file, clock or network access, deterministic. \`cairn policy eval\` and \`cairn policy lint\` are the
author's tools; \`cairn policy builtin\` lists the library below.

    cairn policy eval --policy builtin:banned-licenses --material sbom.cdx.json --input licenses=AGPL-3.0-only,GPL-3.0-only
    cairn policy eval --policy my-policy.yaml --material report.xml --kind JUNIT_XML -o json
    cairn policy lint my-policy.yaml other.json builtin:sbom-freshness

\`eval\` exits 0 whether or not there are violations (they are listed); a broken policy (YAML, unknown
field, CEL syntax or type error, unknown or missing input) exits 1 with \`file:line:col\`, the rule and
what is wrong. \`lint\` lists every problem of every file and exits 1 if there is any.

## Format

YAML or JSON. Unknown fields are errors: a misspelt field must not silently switch a check off.

\`\`\`yaml
apiVersion: cairn.dev/v1          # chainloop.dev/v1 is accepted too
kind: Policy
metadata:
  name: no-agpl                   # DNS-1123
  description: No AGPL components
  annotations: {category: sbom}   # optional, free-form
spec:
  inputs:                         # optional: the arguments of \`with:\` / --input
    - name: licenses              # a letter, then letters, digits, _
      description: banned SPDX ids
      type: list                  # list | string (default string)
      required: true              # or default: "AGPL-3.0-only" (not both)
  rules:
    - name: cyclonedx             # DNS-1123, unique in the policy
      kinds: [SBOM_CYCLONEDX_JSON] # material kinds (\`cairn materials list\`), "*" = every kind
      # attestation: true         # instead of kinds: the rule checks the in-toto statement
      when: has(input.content.components)   # optional CEL bool: false = the rule does not apply
      violations: |               # CEL: a list of strings, one message per violation ([] = pass)
        input.content.components.map(c,
          has(c.licenses) && c.licenses.exists(l, has(l.license) && has(l.license.id) && l.license.id in input.args.licenses),
          "component " + c.name + " is under a banned license")
\`\`\`

The one shape to remember: **\`violations\` returns the list of messages**. \`list.map(x, condition,
message)\` (filter and map in one) reads naturally for "every item that breaks the rule"; a single
check is \`cond ? ["message"] : []\`.

## What an expression sees

| Variable | Material rules | Attestation rules |
|---|---|---|
| \`input.content\` | the material's projection (below) | – |
| \`input.material\` | \`{name, kind, digest, value, annotations}\` | – |
| \`input.statement\` | – | the in-toto statement |
| \`input.args\` | the inputs | the inputs |
| \`input.now\` | the evaluation time (a timestamp) | the evaluation time |

Inputs: every declared input is present. A \`type: list\` input is always a list; a \`type: string\` input
is a string, or a list when its value has several items (as Chainloop does). Values are split on commas
and newlines (\`\\,\` is a literal comma), trimmed, empty items dropped; an absent optional input is
\`""\` (\`[]\` for lists). Unknown inputs and missing required ones are errors. Integers in CEL are 64-bit
(\`int("30")\`); JSON numbers of the content are doubles and compare with ints as expected.

Helpers (pure, linear): \`sbomComponents(content)\` (CycloneDX components, nested ones flattened, or SPDX
packages), \`licenseIds(component)\` (CycloneDX \`licenses[]\` ids/names and expression ids; SPDX
\`licenseConcluded\`, \`licenseDeclared\`, \`licenseInfoFromFiles\`), \`purlOf(component)\` and
\`spdxIds(expression)\`. Optional chaining (\`a.?b.orValue(x)\`) and \`cel.bind\` are enabled.

### Projections (\`input.content\`)

- JSON kinds (SBOMs, SARIF, VEX, CSAF, scanner reports, …): the document as is; a top-level array is
  wrapped as \`{elements: […]}\` (GHAS, Gitleaks, TruffleHog).
- \`JUNIT_XML\`: \`{suites: [{name, package?, timestamp?, time?, properties, tests: [{name, classname,
  time?, status: passed|failed|error|skipped, message?, type?}], suites: […nested…], totals: {tests,
  passed, failed, errors, skipped}}]}\` whatever the source flavour (the totals are counted from the test
  cases and include nested suites; archives of reports give all their suites).
- \`JACOCO_XML\`, \`COBERTURA_XML\`: the parsed XML: attributes as \`"@_name"\` strings, child elements
  as properties (repeated ones always lists).
- OpenAPI/AsyncAPI/GraphQL/Helm: their parsed documents, as the kind documents it.
- Kinds without content (\`ARTIFACT\`, \`EVIDENCE\`, \`STRING\`, \`CONTAINER_IMAGE\`, …): \`{}\`; their rules use
  \`input.material\` (a container image's tag is the annotation \`cairn.material.image.tag\`).

## Results

Per policy and subject: \`{name, digest (sha256 of the policy source), inputs, violations: [{rule,
message}], skipped?}\`, violations in rule order then list order. \`skipped\` says why nothing applied
(no rule for the kind, every \`when\` false).

## In contracts: evaluations, gates, exit 4

Contracts attach policies to materials and to the whole attestation:

\`\`\`yaml
spec:
  policies:
    materials:
      - ref: builtin:banned-licenses          # builtin:NAME, a file path, or a stored policy's name
        selector: { name: sbom }              # optional: exact name, or { name: "report-", matchMode: PREFIX }
        with: { licenses: AGPL-3.0-only }
        gate: true                            # a violation fails the push (exit 4)
      - ref: no-agpl@sha256:<hex>             # pinned: the resolved policy must have this digest
    attestation:
      - ref: builtin:required-annotations
        with: { names: owner }
\`\`\`

- Every attachment is compiled at \`att init\` (a broken one is reported there, with the contract entry).
  Material policies run at \`att add\` on the added material: every attachment whose selector matches its
  name, or, without a selector, whose policy has a rule for its kind. Attestation policies run at \`att push\`
  on the statement. \`att status\` shows the evaluations.
- The predicate records every evaluation (policy, digest of its source, material, inputs, violations, skip
  reason, gate) and counts: \`policyEvaluationsCount\`, \`policyViolationsCount\`, \`policyHasGatedViolations\`,
  \`policyBlocked\`, \`policyBypassed\`.
- A violated gate: \`att push\` still signs and stores the attestation, marked blocked, prints the violations
  and exits 4. \`--exception-bypass-policy-check\` records the bypass and exits 0. \`cairn check\` evaluates
  the material policies too (exit 4 for a violated gate; other violations fail, exit 1, only with \`--strict\`).
- Stored policies: \`cairn policy add --name N -f FILE\` (revisions only on content change), \`policy list\`,
  \`policy describe\`. A bare name in a contract resolves to the latest stored revision in local mode. Policies are
  evaluated where crafting runs, so a CI machine crafting against \`cairn serve\` (which has no store of its
  own) uses \`builtin:\` references or policy files.

## Limits (never hangs, never touches the network)

- Content over ${MAX_POLICY_INPUT_BYTES / 1024 / 1024} MiB is not projected: every applicable rule reports a violation (fail closed).
- Expressions are capped at compile time: at most 2000 AST nodes and ${MAX_MACRO_DEPTH} nested comprehension macros
  (\`map\`/\`filter\`/\`all\`/\`exists\`/\`exists_one\`; chained ones do not count as nested).
- A policy has a ${DEFAULT_BUDGET_MS} ms budget, checked between rules and, inside an expression, as it reads its
  input (so even a nested comprehension over a huge list stops): a rule that runs out, and every rule left, is a violation.
- A runtime error (a missing field without \`has()\`, a bad conversion) is a violation naming the rule and
  the expression's position, never a silent pass.
`;

/** The whole page. Pure and deterministic. */
export function renderPoliciesDoc(): string {
  const out = [
    "<!-- Generated by scripts/gen-docs.ts from src/crafter/policy/docs.ts and src/crafter/policy/builtin/. Do not edit: change the code, then run `npm run docs`. -->",
    "",
    FORMAT,
    "## Built-in library",
    "",
    "Shipped inside the binary; use them as `builtin:NAME` (`--policy builtin:NAME`, or `ref: builtin:NAME` in a contract).",
    "",
    "| Policy | Kinds | Inputs | Description |",
    "|---|---|---|---|",
  ];
  const sections: string[] = [];
  for (const [name, text] of BUILTIN_POLICIES) {
    const p = builtinPolicy(name);
    const kinds = [...new Set(p.rules.flatMap((r) => (r.attestation ? ["attestation"] : r.kinds)))].map((k) => `\`${k}\``).join(", ");
    const inputs = p.inputs.map((i) => `\`${i.name}\``).join(", ") || "none";
    out.push(`| [builtin:${name}](#builtin${name}) | ${kinds} | ${inputs} | ${p.description.replace(/\|/g, "\\|")} |`);
    sections.push("", `### builtin:${name}`, "", p.description, "");
    for (const i of p.inputs) {
      const how = i.required ? "required" : i.default !== undefined ? `default \`${i.default}\`` : "optional";
      sections.push(`- \`${i.name}\` (${i.type}, ${how}): ${i.description}`);
    }
    if (p.inputs.length > 0) sections.push("");
    sections.push("```yaml", text.trimEnd(), "```");
  }
  return [...out, ...sections].join("\n") + "\n";
}
