import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { parsePrometheus, sampleValue } from "../../test/support/prometheus-text";
import type { RequestLogRecord } from "../runtime/request-log";
import { createMetrics, labelCode } from "./metrics";

const record = (over: Partial<RequestLogRecord>): RequestLogRecord => ({
  seq: 1,
  atMs: Date.now(),
  server: "fetcher",
  method: "POST",
  path: "/servers/fetcher/mcp",
  status: 200,
  outcome: "accepted",
  code: undefined,
  reason: undefined,
  subject: "user-1",
  client: "client-a",
  fingerprint: "abc",
  durationMs: 3,
  diagnosis: undefined,
  ...over,
});

function metricsWith(opts: { version?: number; ages?: { provider: string; ageMs: number | null }[] } = {}) {
  return createMetrics({ configVersion: () => opts.version ?? 7, jwksAges: () => opts.ages ?? [] });
}

const scrape = async (m: ReturnType<typeof createMetrics>) => parsePrometheus(await m.registry.metrics());

describe("metrics", () => {
  it("counts MCP requests by server, outcome and reason, and times them in the histogram", async () => {
    const m = metricsWith();
    m.request(record({ durationMs: 3 }));
    m.request(record({ durationMs: 40 }));
    m.request(record({ outcome: "rejected", code: "aud_mismatch", status: 401, durationMs: 0.5 }));
    m.request(record({ server: "other", outcome: "unauthenticated", code: "no_token", status: 401 }));
    const f = await scrape(m);
    expect(f.get("portcullis_mcp_requests_total")?.type).toBe("counter");
    expect(
      sampleValue(f, "portcullis_mcp_requests_total", { server: "fetcher", outcome: "accepted", reason: "none" }),
    ).toBe(2);
    expect(
      sampleValue(f, "portcullis_mcp_requests_total", {
        server: "fetcher",
        outcome: "rejected",
        reason: "aud_mismatch",
      }),
    ).toBe(1);
    expect(sampleValue(f, "portcullis_mcp_requests_total", { server: "other", reason: "no_token" })).toBe(1);
    const h = { server: "fetcher", outcome: "accepted" };
    expect(f.get("portcullis_mcp_request_duration_seconds")?.type).toBe("histogram");
    expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_count", h)).toBe(2);
    expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_sum", h)).toBeCloseTo(0.043, 6);
    expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_bucket", { ...h, le: "0.005" })).toBe(1);
    expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_bucket", { ...h, le: "0.05" })).toBe(2);
    expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_bucket", { ...h, le: "+Inf" })).toBe(2);
  });

  it("keeps counting across scrapes (counters only grow)", async () => {
    const m = metricsWith();
    m.request(record({}));
    await scrape(m);
    m.request(record({}));
    m.request(record({}));
    const f = await scrape(m);
    expect(sampleValue(f, "portcullis_mcp_requests_total", { outcome: "accepted" })).toBe(3);
  });

  it("counts upstream errors by kind: the gateway's 502/504 and the upstream's own 5xx", async () => {
    const m = metricsWith();
    m.request(record({ outcome: "error", code: "upstream_unavailable", status: 502 }));
    m.request(record({ outcome: "error", code: "upstream_timeout", status: 504 }));
    m.request(record({ outcome: "accepted", status: 503 }));
    m.request(record({ outcome: "error", code: "payload_too_large", status: 413 }));
    const f = await scrape(m);
    const kind = (k: string) => sampleValue(f, "portcullis_upstream_errors_total", { server: "fetcher", kind: k });
    expect([kind("unavailable"), kind("timeout"), kind("http_5xx")]).toEqual([1, 1, 1]);
    expect(f.get("portcullis_upstream_errors_total")?.samples).toHaveLength(3);
  });

  it("never puts free text, subjects or client ids into labels", async () => {
    const m = metricsWith();
    m.request(record({ outcome: "rejected", code: "Bearer eyJhbGciOi.secret", status: 401 }));
    m.oauthStep("kc", "token", "<script>");
    const text = await m.registry.metrics();
    expect(text).not.toContain("user-1");
    expect(text).not.toContain("client-a");
    expect(text).not.toContain("eyJ");
    expect(sampleValue(parsePrometheus(text), "portcullis_mcp_requests_total", { reason: "other" })).toBe(1);
    expect(labelCode(undefined)).toBe("none");
  });

  it("counts token checks by provider, result and cache, JWKS fetches, OAuth steps", async () => {
    const m = metricsWith();
    m.tokenChecked({ provider: "kc", verdict: "accept", cached: false });
    m.tokenChecked({ provider: "kc", verdict: "accept", cached: true });
    m.tokenChecked({ provider: "kc", verdict: "accept", cached: true });
    m.tokenChecked({ provider: "kc", verdict: "reject" });
    m.jwksFetched("kc", true);
    m.jwksFetched("kc", false);
    m.oauthStep("kc", "authorize", "ok");
    m.oauthStep("kc", "token", "invalid_grant");
    const f = await scrape(m);
    const v = (result: string, cached: string) =>
      sampleValue(f, "portcullis_token_verifications_total", { provider: "kc", result, cached });
    expect([v("accept", "false"), v("accept", "true"), v("reject", "false"), v("reject", "true")]).toEqual([
      1, 2, 1, 0,
    ]);
    expect(sampleValue(f, "portcullis_jwks_fetches_total", { provider: "kc", result: "ok" })).toBe(1);
    expect(sampleValue(f, "portcullis_jwks_fetches_total", { provider: "kc", result: "error" })).toBe(1);
    expect(sampleValue(f, "portcullis_oauth_flows_total", { step: "token", outcome: "invalid_grant" })).toBe(1);
  });

  it("reads the config version and JWKS ages at scrape time, and Node's process metrics", async () => {
    let version = 3;
    const m = createMetrics({
      configVersion: () => version,
      jwksAges: () => [
        { provider: "kc", ageMs: 90_000 },
        { provider: "cold", ageMs: null },
      ],
    });
    expect(sampleValue(await scrape(m), "portcullis_config_version")).toBe(3);
    version = 4;
    const f = await scrape(m);
    expect(sampleValue(f, "portcullis_config_version")).toBe(4);
    expect(sampleValue(f, "portcullis_jwks_age_seconds", { provider: "kc" })).toBe(90);
    expect(f.get("portcullis_jwks_age_seconds")?.samples.map((s) => s.labels.provider)).toEqual(["kc"]);
    expect(f.has("process_cpu_user_seconds_total")).toBe(true);
    expect(f.has("nodejs_eventloop_lag_seconds")).toBe(true);
  });

  it("registers on the registry it is given", async () => {
    const registry = new Registry();
    const m = createMetrics({ configVersion: () => 1, jwksAges: () => [] }, { registry });
    expect(m.registry).toBe(registry);
    expect(await registry.getSingleMetricAsString("portcullis_config_version")).toContain(
      "portcullis_config_version 1",
    );
  });
});

describe("the example Grafana dashboard", () => {
  it("queries only metrics the gateway exports", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { projectRoot } = await import("../project-root");
    const dashboard = readFileSync(join(projectRoot(), "docs/grafana/portcullis-dashboard.json"), "utf8");
    const used = new Set([...dashboard.matchAll(/\b((?:portcullis|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]));
    const m = createMetrics({ configVersion: () => 1, jwksAges: () => [{ provider: "kc", ageMs: 1 }] });
    m.request(record({}));
    const exported = new Set([...(await scrape(m)).values()].flatMap((f) => [f.name, ...f.samples.map((s) => s.name)]));
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });
});
