import { fstatSync, writeSync } from "node:fs";
import type { Reporter } from "../services/deps.ts";

/** All terminal output goes through here (commands return data; this prints it). */
export const io = {
  out(text: string): void {
    writeAll(1, text.endsWith("\n") ? text : text + "\n");
  },
  err(text: string): void {
    writeAll(2, text.endsWith("\n") ? text : text + "\n");
  },
  json(value: unknown): void {
    io.out(JSON.stringify(value, null, 2));
  },
  info(text: string): void {
    io.err(`INF ${text}`);
  },
};

/**
 * Writes all of text to fd 1 or 2 before returning, as process.stdout/stderr do for files and pipes, without them:
 * their first use loads node:stream (~2 ms of every command's start). A non-blocking pipe that is full is waited on;
 * an interrupted write is tried again.
 */
export function writeAll(fd: number, text: string | Uint8Array): void {
  let bytes = typeof text === "string" ? Buffer.from(text) : text;
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") Bun.sleepSync(1);
      else if (code === "EPIPE") throw new OutputClosed(fd);
      else if (code !== "EINTR") throw e;
    }
  }
}

/**
 * The reader of stdout or stderr went away (`cairn … | head -1`): what it wanted it has. main.ts ends the process
 * quietly with exit code 1, as git ends on SIGPIPE (never 0: a gate's exit code may not have been set yet), instead of
 * an error line nobody asked for; a command's result is stored before anything is printed (the core never prints).
 */
export class OutputClosed extends Error {
  constructor(readonly fd: number) {
    super(`fd ${fd} was closed by its reader (EPIPE)`);
  }
}

/**
 * Whether fd is a terminal. Only a character device can be one, so pipes and files are told apart without loading
 * node:tty (whose module loads node:stream).
 */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // closed
  }
  return (require("node:tty") as typeof import("node:tty")).isatty(fd);
}

/** How tables and reports are laid out; set once, before a command runs, by the CLI edge (program.ts). */
export interface Display {
  /** The terminal's columns; undefined when none is known (stdout piped, no COLUMNS). */
  width?: number;
  /** --full: full digests and values, nothing cut to the width. */
  full: boolean;
}

export const display: Display = { full: false };

/**
 * The width output should fit: COLUMNS when it is set to a whole number of columns (it wins: `COLUMNS=80 cairn …`
 * asks for 80 even on a wider terminal), else the terminal's when stdout is one, else undefined. Piped output with
 * no COLUMNS keeps its unbounded layout, so scripts that read it stay stable (they should use -o json anyway).
 */
export function terminalWidth(columns: string | undefined, stdout: { isTTY?: boolean; columns?: number }): number | undefined {
  if (columns !== undefined && /^[0-9]+$/.test(columns.trim()) && Number(columns) > 0) return Number(columns);
  return stdout.isTTY && stdout.columns && stdout.columns > 0 ? stdout.columns : undefined;
}

/** Reads the width (COLUMNS, the terminal) into `display`: the one place that does. */
export function configureDisplay(full: boolean): void {
  display.full = full;
  display.width = terminalWidth(process.env.COLUMNS, isTerminal(1) ? process.stdout : {});
}

/** Warnings to stderr; a progress bar on a terminal, redrawn at most every 100 ms. */
export function cliReporter(interactive: boolean): Reporter {
  let last = 0;
  return {
    warn: (m) => io.err(`WRN ${m}`),
    progress: interactive
      ? (label, done, total) => {
          const now = performance.now();
          if (done < total && now - last < 100) return;
          last = now;
          const pct = total ? Math.floor((done / total) * 100) : 100;
          const bar = "#".repeat(Math.floor(pct / 4)).padEnd(25, ".");
          process.stderr.write(`\r${label} [${bar}] ${pct}% ${mib(done)}/${mib(total)} MiB${done >= total ? "\n" : ""}`);
        }
      : undefined,
  };
}

function mib(n: number): string {
  return (n / 1048576).toFixed(1);
}
