// Test support: a real HTTP receiver on 127.0.0.1:0 recording every request, with a per-path answer.
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
  private readonly server: Server<undefined>;

  constructor() {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: 60,
      fetch: async (req) => {
        const path = new URL(req.url).pathname;
        this.received.push({ path, headers: Object.fromEntries(req.headers), body: await req.text(), at: Date.now() });
        return this.answer(req, path);
      },
    });
  }

  url(path = "/hook"): string {
    return `http://127.0.0.1:${this.server.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): void {
    void this.server.stop(true);
  }
}
