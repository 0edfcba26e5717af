// Fault: the gateway (the production bundle) gets SIGTERM under load. Readiness turns false, new
// connections are refused, every request and SSE stream in flight completes within the drain deadline,
// then the process exits 0. What outlives the deadline is cut, and the process exits at the deadline.
import { Agent } from "node:http";
import { describe, expect, it } from "vitest";
import { startGateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startDelayedUpstream, startSseUpstream } from "./support/mcp-server";
import { connectionRefused, sseEvents, send, waitForExit, type Outcome } from "./support/http-client";

autoCleanup();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gatewayFor(drainMs: number, sseCount: number, delayMs = 0) {
  const [sse, slow] = await Promise.all([
    startSseUpstream({ count: sseCount, intervalMs: 100 }),
    startDelayedUpstream(),
  ]);
  const gw = await startGateway({
    built: true,
    env: {
      LOG_LEVEL: "info",
      PORTCULLIS_DRAIN_TIMEOUT_MS: String(drainMs),
      PORTCULLIS_DRAIN_DELAY_MS: String(delayMs),
    },
    config: `
servers:
  - name: sse
    upstream: ${sse.url}
    auth: none
  - name: slow
    upstream: ${slow.url}
    auth: none
`,
  });
  return gw;
}

describe("fault: SIGTERM under load", () => {
  it("turns unready, completes every in-flight request and stream, refuses new connections, then exits 0", async () => {
    const gw = await gatewayFor(10_000, 20, 500); // streams of 2 s; 0.5 s of unready before the listener closes
    const slowUrl = `${gw.url}/servers/slow/mcp?delay=1500`;
    const streams = Array.from({ length: 6 }, () => send(`${gw.url}/servers/sse/mcp`, { accept: "text/event-stream" }));
    const slows = Array.from({ length: 6 }, () => send(slowUrl));

    // Background load on keep-alive connections, running across the SIGTERM.
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let loading = true;
    const background: Outcome[] = [];
    const loaders = Array.from({ length: 4 }, async () => {
      while (loading) {
        const r = await send(`${gw.url}/servers/slow/mcp?delay=20`, { agent });
        background.push(r);
        if (r.error && !r.gotResponse) await sleep(20);
      }
    });

    await sleep(400);
    const termAt = performance.now();
    process.kill(gw.pid, "SIGTERM");
    await sleep(150);
    // The drain delay: still accepting, but not ready, and every response closes its connection.
    const during = await send(`${gw.url}/readyz`);
    expect(during.status).toBe(503);
    expect(JSON.parse(during.body)).toMatchObject({ ready: false, status: "draining" });
    await sleep(500);
    expect(await connectionRefused(gw.port)).toBe(true);
    const exit = await waitForExit(gw, 15_000);
    const exitMs = performance.now() - termAt;
    loading = false;
    await Promise.all(loaders);
    agent.destroy();

    expect(exit).toEqual({ code: 0, signal: null });
    for (const s of await Promise.all(streams)) {
      expect(s.error).toBeUndefined();
      expect(sseEvents(s.body)).toBe(20);
    }
    for (const r of await Promise.all(slows))
      expect(r).toMatchObject({ status: 200, body: '{"jsonrpc":"2.0","id":1,"result":{"delayed":1500}}' });
    // Background requests: each either never reached the gateway (refused after SIGTERM) or completed.
    const truncated = background.filter((r) => r.gotResponse && (r.error || r.status !== 200));
    expect(truncated).toEqual([]);
    const completed = background.filter((r) => r.status === 200).length;
    expect(completed).toBeGreaterThan(10);
    const refused = background.filter((r) => !r.gotResponse);
    expect(refused.every((r) => r.error === "ECONNREFUSED" || r.error === "ECONNRESET")).toBe(true);

    const drained = gw.logLines().find((l) => l.msg === "drained");
    expect(drained).toMatchObject({ cut: 0 });
    // The 6 streams and 6 slow requests were in flight; the background loaders may be between requests.
    expect(Number(drained!.inFlight)).toBeGreaterThanOrEqual(12);
    expect(exitMs).toBeLessThan(4_000); // done when the work is done, not at the 10 s deadline
    console.log(
      `[fault-drain] SIGTERM with ${drained!.inFlight} connections in flight: 6/6 streams (20 events each) and 6/6 slow ` +
        `requests completed, ${completed} background requests completed, ${refused.length} attempts refused after the listener closed; ` +
        `drained in ${drained!.durationMs} ms, exited 0 after ${Math.round(exitMs)} ms`,
    );
  });

  it("cuts what outlives the drain deadline and exits at the deadline", async () => {
    const gw = await gatewayFor(1_000, 100); // streams of 10 s, deadline 1 s
    const stream = send(`${gw.url}/servers/sse/mcp`, { accept: "text/event-stream" });
    // In flight at SIGTERM (300 ms in) and done before the 1 s deadline.
    const quick = send(`${gw.url}/servers/slow/mcp?delay=800`);
    await sleep(300);
    const termAt = performance.now();
    process.kill(gw.pid, "SIGTERM");
    const exit = await waitForExit(gw, 10_000);
    const exitMs = performance.now() - termAt;
    expect(exit.code).toBe(0);
    expect(await quick).toMatchObject({ status: 200 });
    const s = await stream;
    expect(s.error).toBeDefined();
    expect(sseEvents(s.body)).toBeGreaterThan(5);
    expect(sseEvents(s.body)).toBeLessThan(30);
    expect(gw.logLines().find((l) => l.msg?.toString().startsWith("drained"))).toMatchObject({ inFlight: 2, cut: 1 });
    expect(exitMs).toBeGreaterThan(900);
    expect(exitMs).toBeLessThan(3_000);
  });
});
