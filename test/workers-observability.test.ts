// PORTCULLIS_WORKERS=2 seen from the outside: /metrics counts every worker's traffic (the aggregate of
// every process's registry), the console's live log lists every request, spans from both workers reach
// the OTLP receiver, forward-auth is answered by both workers, and the self-test run by the primary
// is marked in the live log although workers serve it. On a single port a worker serves /metrics by
// asking the primary; with ADMIN_PORT the primary serves it.
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/cleanup";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startMcpServer } from "./support/mcp-server";
import { startOtlpReceiver } from "./support/otlp-receiver";
import { untilBothServe } from "./support/workers";
import { parsePrometheus, sampleValue, type Family } from "./support/prometheus-text";
import { claims, INIT_BODY, LOCAL_ISSUER, MCP_HEADERS, startLocalIssuer, type LocalIssuer } from "./rs-support";

autoCleanup();

const config = (upstream: string, local: LocalIssuer) => `
providers:
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: ${local.jwksUrl}
servers:
  - name: echo
    upstream: ${upstream}
    oauth: { provider: local, mode: direct }
`;

/** One request on a fresh connection (the cluster hands connections out in turn); the status. */
function call(url: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(url, { method: body ? "POST" : "GET", agent: false, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function scrape(url: string, adminToken: string): Promise<Map<string, Family>> {
  const r = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(r.status).toBe(200);
  return parsePrometheus(await r.text());
}

const mcpCall = (gw: Gateway, token: string) =>
  call(`${gw.url}/servers/echo/mcp`, { ...MCP_HEADERS, authorization: `Bearer ${token}` }, INIT_BODY);

describe("observability with PORTCULLIS_WORKERS=2", () => {
  it("on one port: metrics, live log, traces, forward-auth and the self-test cover both workers", async () => {
    const [mcp, local, otlp] = await Promise.all([startMcpServer(), startLocalIssuer(), startOtlpReceiver()]);
    const gw = await startGateway({
      built: true,
      config: config(mcp.url, local),
      env: {
        PORTCULLIS_WORKERS: "2",
        PORTCULLIS_NO_CONSOLE: "0",
        LOG_LEVEL: "info",
        TRUSTED_PROXIES: "loopback",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: "50",
      },
    });
    const token = await local.sign(claims(`${gw.url}/servers/echo/mcp`));

    const { sent } = await untilBothServe(gw, "/servers/echo/mcp", () => mcpCall(gw, token), {
      min: 20,
      every200: true,
    });
    const host = new URL(gw.url).host;
    const verdict = (authorization?: string) =>
      call(`${gw.url}/forward-auth`, {
        host,
        "x-original-method": "POST",
        "x-original-uri": "/servers/echo/mcp",
        ...(authorization ? { authorization } : {}),
      });
    const { sent: verdicts } = await untilBothServe(gw, "/forward-auth", () => verdict(`Bearer ${token}`), {
      min: 4,
      every200: true,
    });
    const challenged = await verdict();
    expect(challenged.status).toBe(401);
    expect(challenged.headers["www-authenticate"]).toMatch(/^Bearer resource_metadata="/);
    // /metrics on the public port, answered by one worker with the sum of every process's registry (counted when
    // each response closes, so the last may trail the client by a moment).
    const accepted = { server: "echo", outcome: "accepted" };
    await expect
      .poll(async () => sampleValue(await scrape(gw.url, gw.adminToken), "portcullis_mcp_requests_total", accepted))
      .toBe(sent + verdicts);
    const f = await scrape(gw.url, gw.adminToken);
    expect(sampleValue(f, "portcullis_mcp_requests_total", accepted)).toBe(sent + verdicts);
    expect(sampleValue(f, "portcullis_mcp_requests_total", { server: "echo", outcome: "unauthenticated" })).toBe(1);
    expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_count", accepted)).toBe(sent + verdicts);
    expect(sampleValue(f, "portcullis_token_verifications_total", { provider: "local", result: "accept" })).toBe(
      sent + verdicts,
    );
    // Each worker fetched the JWKS once (the primary never did): both workers' registries are in the sum.
    expect(local.fetches()).toBe(2);
    expect(sampleValue(f, "portcullis_jwks_fetches_total", { provider: "local", result: "ok" })).toBe(2);
    // Another scrape, likely answered by the other worker, says the same.
    const again = await scrape(gw.url, gw.adminToken);
    expect(sampleValue(again, "portcullis_mcp_requests_total", accepted)).toBe(sent + verdicts);

    // The console's live log (in the primary) has every request, from both workers (forwarded in batches every 100 ms).
    const liveLog = async () =>
      (await (await gw.api("/api/requests?server=echo&limit=1000")).json()) as {
        id: string;
        selftest?: boolean;
        status: number;
      }[];
    await expect.poll(async () => (await liveLog()).length).toBe(sent + verdicts + 1);
    const listed = await liveLog();
    expect(listed).toHaveLength(sent + verdicts + 1);
    expect(new Set(listed.map((e) => e.id.split("-")[0])).size).toBe(2);
    expect(listed.some((e) => e.selftest)).toBe(false);

    // Spans from both workers reach the receiver: one server span per MCP request.
    const serverSpans = (spans: { name: string; kind: number }[]) =>
      spans.filter((s) => s.kind === 2 && s.name === "POST /servers/echo/mcp").length;
    await otlp.waitFor((spans) => serverSpans(spans) >= sent);
    expect(serverSpans(otlp.spans)).toBe(sent);

    // The self-test runs in the primary; workers answer its requests, and the live log marks them.
    const selftest = await gw.api("/api/servers/echo/selftest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(selftest.status).toBe(200);
    await expect.poll(async () => (await liveLog()).filter((e) => e.selftest).length).toBeGreaterThanOrEqual(1);
    const after = await liveLog();
    const marked = after.filter((e) => e.selftest);
    expect(marked.length).toBeGreaterThanOrEqual(1);
    expect(after.length - marked.length).toBe(sent + verdicts + 1);
  });

  it("with ADMIN_PORT: the primary's /metrics sums both workers' counters", async () => {
    const [mcp, local, adminPort] = await Promise.all([startMcpServer(), startLocalIssuer(), freePort()]);
    const gw = await startGateway({
      built: true,
      config: config(mcp.url, local),
      env: { PORTCULLIS_WORKERS: "2", ADMIN_PORT: String(adminPort), LOG_LEVEL: "info" },
    });
    const token = await local.sign(claims(`${gw.url}/servers/echo/mcp`));
    const { sent } = await untilBothServe(gw, "/servers/echo/mcp", () => mcpCall(gw, token), {
      min: 10,
      every200: true,
    });
    expect((await call(`${gw.url}/metrics`, {})).status).toBe(404);
    const admin = `http://127.0.0.1:${adminPort}`;
    await expect
      .poll(async () =>
        sampleValue(await scrape(admin, gw.adminToken), "portcullis_mcp_requests_total", {
          server: "echo",
          outcome: "accepted",
        }),
      )
      .toBe(sent);
    const f = await scrape(admin, gw.adminToken);
    expect(sampleValue(f, "portcullis_mcp_requests_total", { server: "echo", outcome: "accepted" })).toBe(sent);
    expect(sampleValue(f, "portcullis_token_verifications_total", { provider: "local", result: "accept" })).toBe(sent);
    expect(sampleValue(f, "portcullis_jwks_fetches_total", { provider: "local", result: "ok" })).toBe(2);
    expect(f.has("process_resident_memory_bytes")).toBe(true);
  });
});
