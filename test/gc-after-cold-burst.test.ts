/**
 * A replica started under load: its very first requests all wait at once (here, on a slow upstream).
 * Without --no-allocation-site-pretenuring (scripts/server-process.mjs), V8 then allocated the request
 * path's objects straight into the old generation for the rest of the process's life: steady traffic
 * afterwards ran frequent full GCs and long scavenges, against none with the flag (docs/performance.md).
 * This runs the production bundle with npm start's flags and counts full GCs under steady traffic.
 */
import http from "node:http";
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildServer } from "../scripts/build-server.mjs";
import { closeHttpServer, listenLoopback } from "./support/cleanup";
import { gcTraceLines } from "./support/gc-trace";
import { startGateway, type Gateway } from "./support/gateway";

const BODY = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo", arguments: {} } });
const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

function upstream(delayMs: number) {
  return http.createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        res.setHeader("content-type", "application/json");
        res.end('{"jsonrpc":"2.0","id":1,"result":{"content":[]}}');
      }, delayMs),
    );
  });
}

/** `n` requests at once, each on its own connection, all answered after the upstream's delay. */
async function burst(url: string, n: number) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: n });
  const statuses = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<number>((resolve, reject) => {
          const req = http.request(url, { method: "POST", agent, headers: HEADERS }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode!));
          });
          req.on("error", reject);
          req.end(BODY);
        }),
    ),
  );
  agent.destroy();
  return statuses;
}

describe("GC after a cold burst of waiting requests", () => {
  const fast = upstream(0);
  const slow = upstream(300);
  let gw: Gateway;

  beforeAll(async () => {
    await buildServer();
    const [fastPort, slowPort] = await Promise.all([listenLoopback(fast), listenLoopback(slow)]);
    gw = await startGateway({
      built: true,
      extraNodeArgs: ["--trace-gc"],
      config: `
servers:
  - name: fast
    upstream: http://127.0.0.1:${fastPort}/mcp
    auth: none
  - name: slow
    upstream: http://127.0.0.1:${slowPort}/mcp
    auth: none
`,
    });
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await Promise.all([closeHttpServer(fast), closeHttpServer(slow)]);
  });

  it("steady traffic after it runs without full GCs", async () => {
    // The first traffic this process sees: 400 requests held 300 ms by the upstream.
    const statuses = await burst(`${gw.url}/servers/slow/mcp`, 400);
    expect(statuses.every((s) => s === 200)).toBe(true);

    // 1 s not counted: the burst's own garbage (400 closed connections) may take one full GC to clear, and
    // when it lands depends on the machine. The pathology does not settle: it runs a full GC every 0.5 s.
    const steady = (duration: number) =>
      autocannon({
        url: `${gw.url}/servers/fast/mcp`,
        method: "POST",
        headers: HEADERS,
        body: BODY,
        connections: 32,
        duration,
      });
    await steady(1);
    const mark = gw.stdout().length;
    const r = await steady(4);
    expect(r.non2xx + r.errors).toBe(0);
    // Enough traffic to fill the young generation many times over (a few MB per scavenge).
    expect(r.requests.total).toBeGreaterThan(2000);
    const gcLines = gcTraceLines(gw.stdout().slice(mark));
    const trace = `GCs in 4 s of steady traffic:\n${gcLines.join("\n")}\n`;
    expect(gcLines.filter((l) => l.includes("Scavenge")).length, trace).toBeGreaterThan(5);
    // With the request path pretenured, full GCs recur every second or so; with young-generation GCs only,
    // none (the heap is stable). One is allowed for whatever the process was doing anyway.
    expect(gcLines.filter((l) => l.includes("Mark-Compact")).length, trace).toBeLessThanOrEqual(1);
  }, 60_000);
});
