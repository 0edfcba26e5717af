/**
 * The gateway's Prometheus metrics (docs/observability.md). One `Metrics`
 * per process, on a registry of its own (pluggable: a worker of a cluster
 * hands it to the primary's aggregator, cluster.ts). The request path feeds
 * it through existing seams: the request log's records (MCP requests and
 * upstream errors), the proxy's token verdicts, the JWKS caches' fetch
 * results and the facade's outcomes. Label values are bounded: server and
 * provider names come from the configuration, everything else from fixed
 * vocabularies; never a subject, client id or token.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { RequestLogRecord } from "../runtime/request-log";
import { DeferredCounter, DeferredHistogram, type CountSlot, type HistogramSlot } from "./accumulators";

/** Seconds. MCP requests range from sub-millisecond rejections to SSE streams open for minutes. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** A code we put in a label: a short snake_case word, or "other" (never free text). */
export const labelCode = (v: string | undefined): string =>
  v === undefined ? "none" : /^[a-z0-9_]{1,48}$/.test(v) ? v : "other";

export type OAuthStep = "register" | "authorize" | "consent" | "callback" | "token";

export type MetricsSources = {
  /** The configuration version this process serves. */
  configVersion: () => number;
  /** Providers with their JWKS age in ms (null: never fetched), read at scrape time. */
  jwksAges: () => Iterable<{ provider: string; ageMs: number | null }>;
};

export type Metrics = {
  readonly registry: Registry;
  /** One finished MCP request (a request-log record). Hot path: a few Map lookups and adds. */
  request(r: RequestLogRecord): void;
  /** One token check on the MCP path (proxy or forward-auth): its verdict, and whether it came from the cache. */
  tokenChecked(d: { provider: string; verdict: "accept" | "reject"; cached?: boolean }): void;
  jwksFetched(provider: string, ok: boolean): void;
  oauthStep(provider: string, step: OAuthStep, outcome: string): void;
};

type OutcomeSlots = { duration: HistogramSlot; reasons: Map<string | undefined, CountSlot> };

export function createMetrics(sources: MetricsSources, opts: { registry?: Registry } = {}): Metrics {
  const registry = opts.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new DeferredCounter(
    registry,
    "portcullis_mcp_requests_total",
    "MCP requests by server, outcome (accepted, rejected, unauthenticated, permissive, passthrough, error) and reason code.",
    ["server", "outcome", "reason"],
  );
  const durations = new DeferredHistogram(
    registry,
    "portcullis_mcp_request_duration_seconds",
    "Time from the request's arrival to the end of its response (streams included), by server and outcome.",
    DURATION_BUCKETS,
  );
  const upstreamErrors = new DeferredCounter(
    registry,
    "portcullis_upstream_errors_total",
    "Failed exchanges with upstream MCP servers: unavailable, timeout (the gateway answered 502/504), or http_5xx (the upstream answered 5xx).",
    ["server", "kind"],
  );
  const verifications = new DeferredCounter(
    registry,
    "portcullis_token_verifications_total",
    "Token checks on the MCP path, by provider, result (accept, reject) and whether the verdict came from the cache.",
    ["provider", "result", "cached"],
  );
  const jwksFetches = new Counter({
    name: "portcullis_jwks_fetches_total",
    help: "JWKS fetches by provider and result (ok, error).",
    labelNames: ["provider", "result"],
    registers: [registry],
  });
  new Gauge({
    name: "portcullis_jwks_age_seconds",
    help: "Age of the JWKS keys each provider's tokens are verified with (absent until fetched).",
    labelNames: ["provider"],
    registers: [registry],
    // Workers of a cluster each keep their own keys: report the oldest.
    aggregator: "max",
    collect() {
      this.reset();
      for (const { provider, ageMs } of sources.jwksAges()) if (ageMs !== null) this.set({ provider }, ageMs / 1000);
    },
  });
  const oauthFlows = new Counter({
    name: "portcullis_oauth_flows_total",
    help: "OAuth facade steps (register, authorize, consent, callback, token) by provider and outcome (ok or the OAuth error code).",
    labelNames: ["provider", "step", "outcome"],
    registers: [registry],
  });
  new Gauge({
    name: "portcullis_config_version",
    help: "Version of the configuration this process serves (changes with every applied edit).",
    registers: [registry],
    // Workers of a cluster: the lowest version still served.
    aggregator: "min",
    collect() {
      this.set(sources.configVersion());
    },
  });

  // Slots by server, then outcome, then reason code: the request path finds its counters without building a key.
  const byServer = new Map<string, Map<string, OutcomeSlots>>();
  const errorSlots = new Map<string, CountSlot>();
  const tokenSlots = new Map<string, CountSlot[]>();

  function outcomeSlots(server: string, outcome: string): OutcomeSlots {
    let outcomes = byServer.get(server);
    if (!outcomes) byServer.set(server, (outcomes = new Map()));
    let o = outcomes.get(outcome);
    if (!o) outcomes.set(outcome, (o = { duration: durations.slot({ server, outcome }), reasons: new Map() }));
    return o;
  }

  function upstreamError(server: string, kind: string) {
    const key = `${server}\u0000${kind}`;
    let s = errorSlots.get(key);
    if (!s) errorSlots.set(key, (s = upstreamErrors.slot({ server, kind })));
    s.count++;
  }

  return {
    registry,
    request(r) {
      const o = outcomeSlots(r.server, r.outcome);
      let reason = o.reasons.get(r.code);
      if (!reason) {
        reason = requests.slot({ server: r.server, outcome: r.outcome, reason: labelCode(r.code) });
        o.reasons.set(r.code, reason);
      }
      reason.count++;
      if (r.durationMs !== undefined && r.durationMs === r.durationMs)
        durations.observe(o.duration, r.durationMs / 1000);
      if (r.outcome === "error") {
        if (r.code === "upstream_unavailable" || r.code === "upstream_timeout")
          upstreamError(r.server, r.code.slice(9));
      } else if (r.status >= 500) upstreamError(r.server, "http_5xx");
    },
    tokenChecked({ provider, verdict, cached }) {
      let slots = tokenSlots.get(provider);
      if (!slots) {
        slots = [false, true].flatMap((a) =>
          [false, true].map((c) =>
            verifications.slot({ provider, result: a ? "accept" : "reject", cached: c ? "true" : "false" }),
          ),
        );
        tokenSlots.set(provider, slots);
      }
      slots[(verdict === "accept" ? 2 : 0) + (cached ? 1 : 0)].count++;
    },
    jwksFetched(provider, ok) {
      jwksFetches.inc({ provider, result: ok ? "ok" : "error" });
    },
    oauthStep(provider, step, outcome) {
      oauthFlows.inc({ provider, step, outcome: labelCode(outcome) });
    },
  };
}
