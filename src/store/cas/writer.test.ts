import { expect, test } from "bun:test";
import { formatWriter, liveness, parseWriter, selfWriter, writerName, writerOf } from "./writer.ts";

test("a temporary name carries its writer; other names carry none", () => {
  const me = selfWriter();
  expect(writerOf(writerName())).toEqual(me);
  expect(writerOf(writerName("import-"), "import-")).toEqual(me);
  expect(writerOf(writerName("import-"))).toBeUndefined();
  expect(writerOf(crypto.randomUUID())).toBeUndefined();
  expect(parseWriter(formatWriter(me))).toEqual(me);
  expect(parseWriter("")).toBeUndefined();
});

test("liveness: this process and a running one are alive, an exited one dead, another host's unknown", async () => {
  const me = selfWriter();
  const done = Bun.spawn(["true"]);
  await done.exited;
  const running = Bun.spawn(["sleep", "30"]);
  try {
    expect(liveness(me)).toBe("alive");
    expect(liveness({ ...me, pid: running.pid })).toBe("alive");
    expect(liveness({ ...me, pid: done.pid })).toBe("dead");
    expect(liveness({ ...me, host: "00000000" })).toBe("unknown");
    if (me.boot !== "0") expect(liveness({ ...me, boot: "00000000" })).toBe("dead"); // the previous boot's
  } finally {
    running.kill();
  }
});
