import { describe, expect, test } from "bun:test";
import { zipSync } from "fflate";
import tarStream from "tar-stream";
import { CairnError } from "../../errors.ts";
import { expectCode } from "../../test-helpers.ts";
import { isArchive, peekArchive, planArchiveExplosion, readArchive, type ReadArchiveOptions } from "./index.ts";
import { gzip, makeTar, makeZip, type TarSpec } from "./testing.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const listing = (bytes: Uint8Array, opts?: ReadArchiveOptions) =>
  readArchive(bytes, opts).entries.map((e) => `${e.path}=${text(e.bytes)}`);

/** Sets a 32-bit field in every zip header carrying `sig`, at `off` from the header start. */
function patchZip(z: Uint8Array, sig: number, off: number, value: number): Uint8Array {
  const out = new Uint8Array(z);
  const dv = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) if (dv.getUint32(i, true) === sig) dv.setUint32(i + off, value, true);
  return out;
}
const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;

describe("readArchive positives", () => {
  const long = `${"d".repeat(120)}/${"f".repeat(120)}.xml`;
  const cases: { name: string; bytes: () => Uint8Array; format: string; want: string[] }[] = [
    {
      name: "zip, deflated, directories skipped",
      bytes: () => makeZip({ "a.xml": "A", "dir/": new Uint8Array(0), "dir/b.xml": "B" }),
      format: "zip",
      want: ["a.xml=A", "dir/b.xml=B"],
    },
    { name: "zip, stored", bytes: () => makeZip({ "x/y.txt": "stored" }, 0), format: "zip", want: ["x/y.txt=stored"] },
    { name: "zip from Windows (backslash separators)", bytes: () => makeZip({ "reports\\TEST-a.xml": "w" }), format: "zip", want: ["reports/TEST-a.xml=w"] },
    { name: "empty zip", bytes: () => zipSync({}), format: "zip", want: [] },
    {
      name: "tar with ./ prefixes and a directory",
      bytes: () => makeTar([{ name: "./", type: "5" }, { name: "./r/one.xml", body: "1" }, { name: "r//two.xml", body: "22" }]),
      format: "tar",
      want: ["r/one.xml=1", "r/two.xml=22"],
    },
    {
      name: "tar with pax path and GNU long name",
      bytes: () => makeTar([{ name: "short", body: "p", pax: { path: long } }, { name: "././@LongLink", type: "L", body: `gnu/${long}\0` }, { name: "cut", body: "g" }]),
      format: "tar",
      want: [`${long}=p`, `gnu/${long}=g`],
    },
    { name: "tar without end blocks", bytes: () => makeTar([{ name: "a", body: "x" }], { end: false }), format: "tar", want: ["a=x"] },
    { name: "tar.gz", bytes: () => gzip(makeTar([{ name: "t/a.xml", body: "gz" }])), format: "tar.gz", want: ["t/a.xml=gz"] },
  ];
  test.each(cases)("$name", ({ bytes, format, want }) => {
    const b = bytes();
    expect(isArchive(b)).toBe(format as "zip");
    expect(readArchive(b).format).toBe(format as "zip");
    expect(listing(b)).toEqual(want);
  });

  test("reads archives written by tar-stream (ustar prefix and pax)", async () => {
    const pack = tarStream.pack();
    const chunks: Uint8Array[] = [];
    pack.on("data", (c: unknown) => void chunks.push(c as Uint8Array));
    const done = new Promise<void>((r) => pack.on("end", () => r()));
    pack.entry({ name: "dir", type: "directory" });
    pack.entry({ name: `dir/${"p".repeat(150)}/x.xml` }, "prefix");
    pack.entry({ name: `dir/${"q".repeat(300)}.xml` }, "pax");
    pack.entry({ name: "dir/ünïcode.xml" }, "utf8");
    pack.finalize();
    await done;
    const tar = new Uint8Array(Buffer.concat(chunks));
    expect(listing(gzip(tar))).toEqual([`dir/${"p".repeat(150)}/x.xml=prefix`, `dir/${"q".repeat(300)}.xml=pax`, "dir/ünïcode.xml=utf8"]);
  });
});

describe("readArchive refuses", () => {
  const symlink = { os: 3, attrs: (0o120777 << 16) >>> 0 };
  const fifo = { os: 3, attrs: (0o010644 << 16) >>> 0 };
  const zero = new Uint8Array(4 * 1024 * 1024);
  const cases: { name: string; bytes: () => Uint8Array; rule: string; opts?: ReadArchiveOptions }[] = [
    { name: "zip ../evil", bytes: () => makeZip({ "../evil.xml": "x" }), rule: "path" },
    { name: "zip nested ..", bytes: () => makeZip({ "a/../../evil.xml": "x" }), rule: "path" },
    { name: "zip /abs", bytes: () => makeZip({ "/etc/passwd": "x" }), rule: "path" },
    { name: "zip backslash traversal", bytes: () => makeZip({ "a\\..\\..\\evil.xml": "x" }), rule: "path" },
    { name: "zip UNC path", bytes: () => makeZip({ "\\\\server\\share\\x.xml": "x" }), rule: "path" },
    { name: "zip drive letter", bytes: () => makeZip({ "C:/evil.xml": "x" }), rule: "path" },
    { name: "zip NUL byte", bytes: () => makeZip({ "ok.xml\0.exe": "x" }), rule: "path" },
    { name: "zip control char", bytes: () => makeZip({ "a\u001b[2J.xml": "x" }), rule: "path" },
    { name: "zip symlink", bytes: () => makeZip({ link: ["/etc/passwd", symlink] }), rule: "link" },
    { name: "zip fifo", bytes: () => makeZip({ pipe: ["", fifo] }), rule: "special" },
    { name: "zip duplicate", bytes: () => makeZip({ "a.xml": "1", "./a.xml": "2" }), rule: "duplicate" },
    { name: "zip too many entries", bytes: () => makeZip({ a: "1", b: "2", c: "3", d: "4" }), rule: "entry-count", opts: { maxEntries: 3 } },
    { name: "zip entry over size", bytes: () => makeZip({ a: "12345678901" }), rule: "entry-size", opts: { maxEntryBytes: 10 } },
    { name: "zip total over size", bytes: () => makeZip({ a: "123456", b: "123456" }), rule: "total-size", opts: { maxTotalBytes: 10 } },
    { name: "zip bomb (declared size)", bytes: () => makeZip({ bomb: zero }), rule: "entry-size", opts: { maxEntryBytes: 1024 * 1024 } },
    { name: "zip bomb lying about its size", bytes: () => patchZip(patchZip(makeZip({ bomb: zero }), LOCAL, 22, 100), CENTRAL, 24, 100), rule: "integrity" },
    { name: "zip bad CRC", bytes: () => patchZip(makeZip({ a: "hello" }), CENTRAL, 16, 1234), rule: "integrity" },
    { name: "zip encrypted flag", bytes: () => patchZip(makeZip({ a: "hello" }), CENTRAL, 8, 0x00080001), rule: "format" },
    { name: "zip truncated", bytes: () => makeZip({ a: "hello".repeat(50) }).subarray(0, 60), rule: "format" },
    { name: "tar ../evil", bytes: () => makeTar([{ name: "../evil", body: "x" }]), rule: "path" },
    { name: "tar /abs", bytes: () => makeTar([{ name: "/abs", body: "x" }]), rule: "path" },
    { name: "tar pax path with ..", bytes: () => makeTar([{ name: "ok", body: "x", pax: { path: "a/../../evil" } }]), rule: "path" },
    { name: "tar symlink", bytes: () => makeTar([{ name: "link", type: "2", linkname: "/etc/passwd" }]), rule: "link" },
    { name: "tar hardlink", bytes: () => makeTar([{ name: "link", type: "1", linkname: "other" }]), rule: "link" },
    { name: "tar char device", bytes: () => makeTar([{ name: "dev", type: "3" }]), rule: "special" },
    { name: "tar fifo", bytes: () => makeTar([{ name: "fifo", type: "6" }]), rule: "special" },
    { name: "tar sparse type", bytes: () => makeTar([{ name: "s", type: "S", body: "x" }]), rule: "format" },
    { name: "tar bad checksum", bytes: () => makeTar([{ name: "a", body: "x" }, { name: "b", body: "y", badChecksum: true }]), rule: "format" },
    { name: "tar truncated data", bytes: () => makeTar([{ name: "a", body: "x", size: 5000 }], { end: false }), rule: "format" },
    { name: "tar too many entries", bytes: () => makeTar(["a", "b", "c"].map((n): TarSpec => ({ name: n, body: n }))), rule: "entry-count", opts: { maxEntries: 2 } },
    { name: "tar declared size over limit", bytes: () => makeTar([{ name: "a", body: "x".repeat(20) }]), rule: "entry-size", opts: { maxEntryBytes: 10 } },
    { name: "tar.gz bomb", bytes: () => gzip(makeTar([{ name: "bomb", body: zero }])), rule: "total-size", opts: { maxTotalBytes: 1024 * 1024, maxEntries: 10 } },
    { name: "not an archive", bytes: () => new TextEncoder().encode("<testsuites/>"), rule: "format" },
    { name: "plain gzip", bytes: () => gzip(new TextEncoder().encode("just text")), rule: "format" },
  ];
  test.each(cases)("$name", async ({ bytes, rule, opts }) => {
    const err = await expectCode(() => readArchive(bytes(), { label: "in.zip", ...opts }), "MATERIAL_INVALID");
    expect((err.details as { rule: string }).rule).toBe(rule);
  });

  test("errors name the offending entry", () => {
    try {
      readArchive(makeTar([{ name: "link", type: "2", linkname: "/x" }]));
    } catch (e) {
      expect((e as CairnError).details).toEqual({ rule: "link", entry: "link" });
      return;
    }
    throw new Error("not refused");
  });
});

describe("isArchive", () => {
  test.each([
    ["empty", new Uint8Array(0), null],
    ["xml", new TextEncoder().encode("<?xml version='1.0'?><a/>"), null],
    ["gzip of text", gzip(new TextEncoder().encode("hello")), null],
    ["zip", makeZip({ a: "b" }), "zip"],
    ["tar", makeTar([{ name: "a", body: "b" }]), "tar"],
    ["tar.gz", gzip(makeTar([{ name: "a", body: "b" }])), "tar.gz"],
  ] as const)("%s", (_n, head, want) => {
    expect(isArchive(head)).toBe(want);
  });
});

describe("peekArchive", () => {
  test("lists zip entries with content from the head", () => {
    const p = peekArchive(makeZip({ "r/a.xml": "<testsuite/>", "__MACOSX/._a": "junk" }));
    expect(p?.format).toBe("zip");
    expect(p?.entries.map((e) => e.path)).toEqual(["r/a.xml", "__MACOSX/._a"]);
    expect(text(p?.entries[0]?.content() ?? new Uint8Array())).toBe("<testsuite/>");
  });
  test("lists tar.gz entries and stops quietly on a truncated head", () => {
    const big = "x".repeat(200_000);
    const tgz = gzip(makeTar([{ name: "c/Chart.yaml", body: "name: c" }, { name: "c/big", body: big }, { name: "c/after", body: "z" }]));
    const p = peekArchive(tgz.subarray(0, 300));
    expect(p?.format).toBe("tar.gz");
    expect(p?.entries[0]?.path).toBe("c/Chart.yaml");
    expect(text(p?.entries[0]?.content() ?? new Uint8Array())).toBe("name: c");
  });
  test("is null for non-archives", () => {
    expect(peekArchive(new TextEncoder().encode("plain text, not an archive"))).toBeNull();
  });
});

describe("planArchiveExplosion", () => {
  const e = (path: string, body = "x") => ({ path, bytes: new TextEncoder().encode(body) });
  test("sorts by path (code points), names <name>, <name>-1, … and skips empty entries", () => {
    const plan = planArchiveExplosion("sbom", [e("b.json"), e("a/z.json"), e("empty.json", ""), e("\u{1F600}.json"), e("\uFF21.json")]);
    expect(plan).toEqual([
      { name: "sbom", path: "a/z.json" },
      { name: "sbom-1", path: "b.json" },
      { name: "sbom-2", path: "\uFF21.json" },
      { name: "sbom-3", path: "\u{1F600}.json" },
    ]);
  });
  test("empty archive plans nothing", () => {
    expect(planArchiveExplosion("x", [])).toEqual([]);
  });
});
