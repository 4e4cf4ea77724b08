import type { spawn as Spawn } from "node:child_process";

/**
 * What commander takes from node:child_process: `spawn`, for executable subcommands (cairn defines none). In the
 * compiled binary, node:child_process costs ~0.5 ms of every start to load; build.ts points commander's import here,
 * and the module is loaded only if spawn is called.
 */
const childProcess = {
  spawn: ((...args: Parameters<typeof Spawn>) => (require("node:child_process") as typeof import("node:child_process")).spawn(...args)) as typeof Spawn,
};

export default childProcess;
