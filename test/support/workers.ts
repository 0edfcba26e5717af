// Helpers for gateways run with PORTCULLIS_WORKERS: which processes served a path, and sending until both did.
import type { Gateway } from "./gateway";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of the processes that logged a request line for `path` (access log, LOG_LEVEL=info). */
export const servedBy = (gw: Gateway, path: string) =>
  new Set(
    gw
      .logLines()
      .filter((l) => l.msg === "request" && l.path === path)
      .map((l) => l.pid as number),
  );

/**
 * Calls `send` (each call on a fresh connection, so the cluster spreads them) at least `min` times, until two
 * workers served `path` (never the primary) and the last answer was a 200; how many were sent, and how long it
 * took. Non-200 answers are allowed while waiting (a config change still spreading), unless `every200` is set.
 */
export async function untilBothServe(
  gw: Gateway,
  path: string,
  send: () => Promise<{ status?: number }>,
  { min = 1, timeoutMs = 20_000, every200 = false }: { min?: number; timeoutMs?: number; every200?: boolean } = {},
): Promise<{ sent: number; ms: number }> {
  const t0 = performance.now();
  let sent = 0;
  for (;;) {
    const { status } = await send();
    sent++;
    if (every200 && status !== 200) throw new Error(`${path} answered ${status} (request ${sent})`);
    await sleep(5); // the access-log line is written when the response closes
    const pids = servedBy(gw, path);
    if (pids.has(gw.pid)) throw new Error(`the primary served ${path}`);
    if (sent >= min && status === 200 && pids.size >= 2) return { sent, ms: performance.now() - t0 };
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`${path} not served by both workers after ${sent} requests (last status ${status})`);
  }
}
