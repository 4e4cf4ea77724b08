#!/usr/bin/env bun
import { CommanderError } from "commander";
import { boundedMessage } from "./bounded.ts";
import { CairnError, exitCodeFor } from "./errors.ts";
import { io, OutputClosed } from "./cli/io.ts";
import { buildProgram } from "./cli/program.ts";

/** argv → command → rendered result → exit code. The only place that decides process exit status. */
async function main(argv: string[]): Promise<number> {
  // The binary starts with the JIT held back (build.ts jitPolicy); past a short command's time, the normal policy.
  setTimeout(() => Bun.unsafe.setJITPolicy(1), 250).unref();
  try {
    const program = await buildProgram(argv.slice(2));
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    try {
      return report(e);
    } catch (x) {
      if (x instanceof OutputClosed) return e instanceof CairnError ? exitCodeFor(e) : 1; // stderr's reader went away too
      throw x;
    }
  }
}

function report(e: unknown): number {
  if (e instanceof OutputClosed) return 1; // quietly: never 0, a gate's exit code may not have been set yet
  if (e instanceof CommanderError) {
    // help and --version exit through here with code 0
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof CairnError) {
    io.err(`ERR ${e.message}`);
    if (e.hint) io.err(`    ${e.hint}`);
    return exitCodeFor(e);
  }
  io.err(`ERR unexpected failure: ${boundedMessage(e instanceof Error ? e.message : String(e))}`);
  if (process.env.CAIRN_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
  return 1;
}

process.exitCode = await main(process.argv);
