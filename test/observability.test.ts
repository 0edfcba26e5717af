// Metrics and traces of a real gateway: /metrics (Prometheus text, admin only) moves with MCP traffic,
// token checks, JWKS fetches and facade steps; with OTEL_EXPORTER_OTLP_ENDPOINT set, spans reach a local
// OTLP/HTTP receiver with the gateway's steps nested under the caller's trace, and the upstream gets the
// forward span as its parent. Without it, traceparent/tracestate pass to the upstream unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startIdp, type Idp } from "./support/idp";
import { startMcpServer, type McpTestServer } from "./support/mcp-server";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver";
import { parsePrometheus, sampleValue } from "./support/prometheus-text";
import { claims, INIT_BODY, LOCAL_ISSUER, MCP_HEADERS, startLocalIssuer, type LocalIssuer } from "./rs-support";

autoCleanup();

let local: LocalIssuer;
let idp: Idp;
let mcp: McpTestServer;
let otlp: OtlpReceiver;
let traced: Gateway;
let plain: Gateway;

const config = (upstream: string, idpIssuer: string) => `
providers:
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: ${local.jwksUrl}
  - name: idp
    issuer: ${idpIssuer}
servers:
  - name: echo
    upstream: ${upstream}
    oauth: { provider: local, mode: direct }
  - name: down
    upstream: http://127.0.0.1:9/mcp
    auth: none
  - name: facade
    upstream: ${upstream}
    oauth: { provider: idp, mode: proxy }
`;

beforeAll(async () => {
  [local, idp, mcp, otlp] = await Promise.all([
    startLocalIssuer(),
    startIdp({ shape: "standard" }),
    startMcpServer(),
    startOtlpReceiver(),
  ]);
  [traced, plain] = await Promise.all([
    startGateway({
      config: config(mcp.url, idp.issuer),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: "50", OTEL_SERVICE_NAME: "gw-under-test" },
    }),
    startGateway({ config: config(mcp.url, idp.issuer), env: { PORTCULLIS_METRICS: "false" } }),
  ]);
});

const mcpPost = (gw: Gateway, name: string, headers: Record<string, string> = {}) =>
  gw.fetch(`/servers/${name}/mcp`, { method: "POST", headers: { ...MCP_HEADERS, ...headers }, body: INIT_BODY });

async function scrape(gw: Gateway) {
  const r = await gw.api("/metrics");
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheus(await r.text());
}

describe("GET /metrics", () => {
  it("is for admins only: no token or a wrong one gets 401", async () => {
    expect((await traced.fetch("/metrics")).status).toBe(401);
    const wrong = await traced.fetch("/metrics", { headers: { authorization: "Bearer not-the-admin-token-at-all" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="portcullis-admin"');
  });

  it("parses as Prometheus text and its counters move with traffic", async () => {
    const aud = `${traced.url}/servers/echo/mcp`;
    const before = await scrape(traced);
    const token = await local.sign(claims(aud));
    for (let i = 0; i < 3; i++)
      expect((await mcpPost(traced, "echo", { authorization: `Bearer ${token}` })).status).toBe(200);
    const wrongAud = await local.sign(claims("https://elsewhere.example/mcp"));
    expect((await mcpPost(traced, "echo", { authorization: `Bearer ${wrongAud}` })).status).toBe(401);
    expect((await mcpPost(traced, "echo")).status).toBe(401);
    expect((await mcpPost(traced, "down")).status).toBe(502);

    const after = await scrape(traced);
    const moved = (name: string, labels: Record<string, string>) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved("portcullis_mcp_requests_total", { server: "echo", outcome: "accepted", reason: "none" })).toBe(3);
    expect(
      moved("portcullis_mcp_requests_total", { server: "echo", outcome: "rejected", reason: "aud_mismatch" }),
    ).toBe(1);
    expect(
      moved("portcullis_mcp_requests_total", { server: "echo", outcome: "unauthenticated", reason: "no_token" }),
    ).toBe(1);
    expect(
      moved("portcullis_mcp_requests_total", { server: "down", outcome: "error", reason: "upstream_unavailable" }),
    ).toBe(1);
    expect(moved("portcullis_mcp_request_duration_seconds_count", { server: "echo", outcome: "accepted" })).toBe(3);
    expect(moved("portcullis_upstream_errors_total", { server: "down", kind: "unavailable" })).toBe(1);
    // The first use of a token runs the pipeline; the next ones are verdict-cache hits. Rejections are never cached.
    expect(
      moved("portcullis_token_verifications_total", { provider: "local", result: "accept", cached: "false" }),
    ).toBe(1);
    expect(moved("portcullis_token_verifications_total", { provider: "local", result: "accept", cached: "true" })).toBe(
      2,
    );
    expect(
      moved("portcullis_token_verifications_total", { provider: "local", result: "reject", cached: "false" }),
    ).toBe(1);
    expect(sampleValue(after, "portcullis_jwks_fetches_total", { provider: "local", result: "ok" })).toBe(1);
    expect(sampleValue(after, "portcullis_jwks_age_seconds", { provider: "local" })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(after, "portcullis_config_version")).toBeGreaterThanOrEqual(1);
    expect(after.get("process_resident_memory_bytes")?.type).toBe("gauge");
    // Bounded labels: no subject, client id or token anywhere.
    const text = await (await traced.api("/metrics")).text();
    for (const secret of ["user-1", "client-a", token.slice(0, 20)]) expect(text).not.toContain(secret);
  });

  it("counts the OAuth facade's steps by provider and outcome", async () => {
    const before = await scrape(traced);
    const ok = await traced.fetch("/oauth/idp/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:41999/callback"], token_endpoint_auth_method: "none" }),
    });
    expect(ok.status).toBe(201);
    const bad = await traced.fetch("/oauth/idp/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=authorization_code&code=nope&client_id=nobody",
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const error = ((await bad.json()) as { error: string }).error;
    const after = await scrape(traced);
    const moved = (labels: Record<string, string>) =>
      sampleValue(after, "portcullis_oauth_flows_total", labels) -
      sampleValue(before, "portcullis_oauth_flows_total", labels);
    expect(moved({ provider: "idp", step: "register", outcome: "ok" })).toBe(1);
    expect(moved({ provider: "idp", step: "token", outcome: error })).toBe(1);
  });

  it("is not served with PORTCULLIS_METRICS=false", async () => {
    const r = await plain.api("/metrics");
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("traces", () => {
  const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const clientSpan = "00f067aa0ba902b7";

  it("nests the gateway's steps under the caller's trace and hands the upstream the forward span", async () => {
    const token = await local.sign(claims(`${traced.url}/servers/echo/mcp`, { sub: "trace-user" }));
    const r = await mcpPost(traced, "echo", {
      authorization: `Bearer ${token}`,
      traceparent: `00-${clientTrace}-${clientSpan}-01`,
      tracestate: "vendor=opaque",
    });
    expect(r.status).toBe(200);
    const up = mcp.lastHeaders()!;
    const [, upTrace, upParent] = String(up.traceparent).split("-");
    expect(upTrace).toBe(clientTrace);
    expect(upParent).not.toBe(clientSpan);
    expect(up.tracestate).toBe("vendor=opaque");

    const inTrace = (spans: ReceivedSpan[]) => spans.filter((s) => s.traceId === clientTrace);
    const spans = inTrace(
      await otlp.waitFor((all) =>
        ["POST /servers/echo/mcp", "portcullis.forward", "portcullis.token.verify"].every((n) =>
          inTrace(all).some((s) => s.name === n),
        ),
      ),
    );
    const server = spans.find((s) => s.name === "POST /servers/echo/mcp")!;
    expect(server).toMatchObject({ kind: 2, parentSpanId: clientSpan, service: "gw-under-test" });
    expect(server.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/servers/echo/mcp",
      "http.response.status_code": 200,
      "portcullis.server": "echo",
      "portcullis.outcome": "accepted",
    });
    const verify = spans.find((s) => s.name === "portcullis.token.verify")!;
    expect(verify.parentSpanId).toBe(server.spanId);
    expect(verify.attributes).toMatchObject({ "portcullis.provider": "local", "portcullis.token.verdict": "accept" });
    const forward = spans.find((s) => s.name === "portcullis.forward")!;
    expect(forward).toMatchObject({ kind: 3, parentSpanId: server.spanId, spanId: upParent });
    expect(forward.attributes).toMatchObject({ "server.address": "127.0.0.1", "http.response.status_code": 200 });
    // Nothing secret is exported: not the token, not its subject.
    const exported = otlp.bodies.join("\n");
    expect(exported).not.toContain(token.split(".")[1]);
    expect(exported).not.toContain("trace-user");
  });

  it("traces the JWKS fetch and its HTTP call under the token check that needed it", async () => {
    const spans = await otlp.waitFor((all) => all.some((s) => s.name === "portcullis.jwks.fetch"));
    const fetch = spans.find((s) => s.name === "portcullis.jwks.fetch")!;
    expect(fetch.attributes["url.full"]).toBe(local.jwksUrl);
    expect(spans.find((s) => s.spanId === fetch.parentSpanId)?.name).toBe("portcullis.token.verify");
    const http = spans.find((s) => s.parentSpanId === fetch.spanId)!;
    expect(http).toMatchObject({ name: "GET", kind: 3 });
    expect(http.attributes).toMatchObject({ "url.full": local.jwksUrl, "http.response.status_code": 200 });
  });

  it("traces facade steps with the IdP calls below them", async () => {
    const r = await traced.fetch("/oauth/idp/register", {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${"ab".repeat(16)}-${"cd".repeat(8)}-01` },
      body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:41999/callback"], token_endpoint_auth_method: "none" }),
    });
    expect(r.status).toBe(201);
    const trace = "ab".repeat(16);
    const spans = (
      await otlp.waitFor((all) => all.some((s) => s.traceId === trace && s.name === "POST" && s.kind === 3))
    ).filter((s) => s.traceId === trace);
    const server = spans.find((s) => s.kind === 2)!;
    expect(server.name).toBe("POST /oauth/{provider}/register");
    const step = spans.find((s) => s.name === "portcullis.oauth.register")!;
    expect(step.parentSpanId).toBe(server.spanId);
    expect(step.attributes).toMatchObject({ "portcullis.provider": "idp", "http.response.status_code": 201 });
    const idpCall = spans.find((s) => s.name === "POST" && s.kind === 3)!;
    expect(idpCall.attributes["url.full"]).toBe(`${idp.issuer}/reg`);
    // Below the step (possibly through another client span, e.g. discovery).
    const ancestors = (s: ReceivedSpan): string[] => {
      const p = spans.find((x) => x.spanId === s.parentSpanId);
      return p ? [p.name, ...ancestors(p)] : [];
    };
    expect(ancestors(idpCall)).toContain("portcullis.oauth.register");
  });

  it("without an OTLP endpoint, passes the caller's traceparent and tracestate to the upstream unchanged", async () => {
    const token = await local.sign(claims(`${plain.url}/servers/echo/mcp`));
    const traceparent = `00-${clientTrace}-${clientSpan}-01`;
    const r = await mcpPost(plain, "echo", {
      authorization: `Bearer ${token}`,
      traceparent,
      tracestate: "vendor=opaque",
    });
    expect(r.status).toBe(200);
    expect(mcp.lastHeaders()).toMatchObject({ traceparent, tracestate: "vendor=opaque" });
  });
});
