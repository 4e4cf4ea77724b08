import { expect, test } from "bun:test";
import childProcess from "./lazy-child-process.ts";

test("spawn is node:child_process's: the child runs with the arguments and stdio given", async () => {
  const child = childProcess.spawn(process.execPath, ["-e", "process.exit(Number(process.argv[1]))", "7"], { stdio: "ignore" });
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  expect(code).toBe(7);
});
