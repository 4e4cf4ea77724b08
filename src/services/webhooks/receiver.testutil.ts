// Test support: a real HTTP receiver on 127.0.0.1 recording every request, with a per-path answer. It listens from
// construction; `down()` stops listening and `up()` listens again on the same port (an endpoint down for a while).
import type { Server } from "bun";

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export class Receiver {
  readonly received: Received[] = [];
  /** The answer per path; default 204. */
  answer: (req: Request, path: string) => Response | Promise<Response> = () => new Response(null, { status: 204 });
  private server: Server<undefined> | undefined;
  private port = 0;

  constructor() {
    this.up();
  }

  up(): this {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: this.port,
      idleTimeout: 60,
      fetch: async (req) => {
        const path = new URL(req.url).pathname;
        this.received.push({ path, headers: Object.fromEntries(req.headers), body: await req.text(), at: Date.now() });
        return this.answer(req, path);
      },
    });
    this.port = this.server.port!;
    return this;
  }

  down(): void {
    void this.server?.stop(true);
    this.server = undefined;
  }

  url(path = "/hook"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): void {
    this.down();
  }
}
