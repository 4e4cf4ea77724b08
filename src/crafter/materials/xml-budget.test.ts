import { expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { MAX_XML_CHARS, MAX_XML_RUN, parseXml } from "./xml.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const none = new Set<string>();

test.each([
  ["one huge attribute", `<coverage line-rate="${"9".repeat(MAX_XML_RUN + 1)}"/>`, "single XML value or tag"],
  ["one huge tag name", `<report><${"x".repeat(MAX_XML_RUN + 1)}`, "single XML value or tag"],
  ["too much XML", `<a>${"<b/>".repeat(MAX_XML_CHARS / 4)}</a>`, "characters of XML, over the limit"],
])("XML with %s is refused before parsing, quickly", async (_n, text, why) => {
  const started = performance.now();
  const err = await expectCode(() => parseXml(bytes(text), "r.xml", none), "MATERIAL_INVALID");
  expect(err.message).toContain(why);
  expect(performance.now() - started).toBeLessThan(500);
});

test("XML within the budget still parses", () => {
  expect(parseXml(bytes(`<testsuite name="${"n".repeat(1000)}"/>`), "r.xml", none).root).toBe("testsuite");
});
