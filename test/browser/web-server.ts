// Browser-test support: the operator view served by the real `cairn serve` server (startServer, the same code the
// binary runs: auth, session cookie, limits, request log) on 127.0.0.1 with an ephemeral port.
import { startServer } from "../../src/server/server.ts";
import type { WebHandler } from "../../src/server/web-seam.ts";
import type { ServiceDeps } from "../../src/services/deps.ts";

export interface WebServer {
  url: string;
  stop(): Promise<void>;
}

/** With `tls` (PEM certificate and key) it serves https. */
export function startWebServer(app: ServiceDeps, handler: WebHandler, tls?: { cert: string; key: string }): WebServer {
  const limits = { maxBodyBytes: 1024 * 1024, maxBlobBytes: 64 * 1024 * 1024 };
  const server = startServer({ app, hostname: "127.0.0.1", port: 0, limits, web: handler, log: () => {}, ...(tls && { tls }) });
  return { url: server.url.replace(/\/$/, ""), stop: () => server.stop(1000) };
}

/** Launch flags for Debian's chromium (toolchain notes §9): headless, no sandbox (containers), nothing phoning home. */
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
