import type { Reporter } from "../services/deps.ts";

/** All terminal output goes through here (commands return data; this prints it). */
export const io = {
  out(text: string): void {
    process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  },
  err(text: string): void {
    process.stderr.write(text.endsWith("\n") ? text : text + "\n");
  },
  json(value: unknown): void {
    io.out(JSON.stringify(value, null, 2));
  },
  info(text: string): void {
    io.err(`INF ${text}`);
  },
};

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
