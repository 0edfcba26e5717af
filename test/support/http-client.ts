// Plain node:http clients for tests that watch connections (draining, workers): requests that never
// reject (the outcome says whether a response arrived), a refused-connection probe, waiting for exit.
// No vitest import.
import { request, type Agent } from "node:http";
import { connect } from "node:net";
import type { Gateway } from "./gateway";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Outcome = { status?: number; body: string; error?: string; gotResponse: boolean };

/** A request with node:http (own agent or none); never rejects. */
export function send(url: string, opts: { agent?: Agent | false; accept?: string } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { body: "", gotResponse: false };
    const req = request(
      url,
      {
        method: opts.accept ? "GET" : "POST",
        agent: opts.agent ?? false,
        headers: { accept: opts.accept ?? "application/json", "content-type": "application/json" },
      },
      (res) => {
        out.gotResponse = true;
        out.status = res.statusCode;
        res.setEncoding("utf8");
        res.on("data", (c: string) => (out.body += c));
        res.on("end", () => resolve(out));
        res.on("error", (e) => resolve({ ...out, error: e.message }));
        res.on("aborted", () => resolve({ ...out, error: "aborted" }));
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ ...out, error: e.code ?? e.message }));
    req.end(opts.accept ? undefined : '{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
  });
}

export const sseEvents = (body: string) => (body.match(/^data: /gm) ?? []).length;

export async function waitForExit(gw: Gateway, timeoutMs: number) {
  const t0 = performance.now();
  while (!gw.exited()) {
    if (performance.now() - t0 > timeoutMs) throw new Error("the gateway did not exit");
    await sleep(20);
  }
  return gw.exited()!;
}

export const connectionRefused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(true));
  });
