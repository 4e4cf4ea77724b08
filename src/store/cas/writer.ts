import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/**
 * Who wrote a temporary file, a lock or a lease: a process on a host, during one boot. Names of temporary files
 * carry it (`<pid>.<host>.<boot>.<random>`), so a later process can prove their writer dead and remove them.
 */
export interface WriterId {
  pid: number;
  /** 8 hex of the host name's sha256. */
  host: string;
  /** 8 hex of the kernel's boot id; "0" where there is none (not Linux). */
  boot: string;
}

/** alive: the process runs; dead: provably gone; unknown: another host's (a shared home), nothing can be proved. */
export type Liveness = "alive" | "dead" | "unknown";

const tag = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex").slice(0, 8);

function bootTag(): string {
  try {
    return tag(readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
  } catch {
    return "0";
  }
}

let self: WriterId | undefined;

/** This process. */
export function selfWriter(): WriterId {
  self ??= { pid: process.pid, host: tag(hostname()), boot: bootTag() };
  return self;
}

/** `<pid>.<host>.<boot>.<random>`: a fresh temporary name owned by this process. */
export function writerName(prefix = ""): string {
  const w = selfWriter();
  return `${prefix}${w.pid}.${w.host}.${w.boot}.${crypto.randomUUID()}`;
}

const NAME = /^(\d+)\.([0-9a-f]{8})\.([0-9a-f]{8}|0)\./;

/** The writer a name made by writerName names; undefined for other names (older cairn versions wrote bare UUIDs). */
export function writerOf(name: string, prefix = ""): WriterId | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const m = NAME.exec(name.slice(prefix.length));
  return m ? { pid: Number(m[1]), host: m[2]!, boot: m[3]! } : undefined;
}

/**
 * Whether the writer still runs. On this host: another boot's process is dead; otherwise `kill(pid, 0)` says
 * (ESRCH: no such process; EPERM: it exists under another user). A reused PID only keeps a leftover longer.
 */
export function liveness(w: WriterId): Liveness {
  const me = selfWriter();
  if (w.host !== me.host) return "unknown";
  if (w.boot !== me.boot) return w.boot === "0" || me.boot === "0" ? "unknown" : "dead";
  if (w.pid === me.pid) return "alive";
  return pidAlive(w.pid) ? "alive" : "dead";
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

export const formatWriter = (w: WriterId) => `${w.pid}.${w.host}.${w.boot}`;

/** Parses formatWriter's output (a lock file's content, a lease's owner). */
export function parseWriter(text: string): WriterId | undefined {
  return writerOf(`${text.trim()}.`);
}
