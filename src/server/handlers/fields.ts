import { CairnError } from "../../errors.ts";

/** Unknown JSON fields are refused (400) so a typo ("desciption") is not silently ignored. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new CairnError("USAGE", `unknown field ${JSON.stringify(unknown[0]!.slice(0, 60))} in the request body`, {
      hint: `the fields are: ${allowed.join(", ")}`,
    });
  }
}
