/**
 * `npm run bench`: the proxy's own cost, measured (docs/performance.md).
 *
 * Every peer runs in its own process (the load generator runs here):
 *   (a) direct → minimal JSON-RPC upstream
 *   (b) bare http-proxy with a keep-alive agent, no auth, run with the gateway's Node flags
 *   (c) Portcullis, one valid RS256 JWT
 *   (a), (b) and (c) get byte-identical requests, Authorization header included (the upstream and the
 *   bare proxy ignore it), so the difference between the rows is what each hop does, not how much
 *   the load generator sends or each side parses.
 *   (d) Portcullis, a pool of 10,000 distinct valid RS256 JWTs (rotated per request)
 *   (e) Portcullis, one RS256 JWT, a server with a 10-rule policy and audit on (body read, rules decided,
 *       every call queued and written to the audit table), on a gateway of its own configured alike; (c) is
 *       the same server without them
 *   (er) the same 10 rules without audit, (ea) audit without rules: (e)'s cost split (only when BENCH_ROWS names them)
 * in alternating rounds, the order rotated each round (a b c d e, b c d e a, …), so drift hits every row alike,
 * each row with the CPU time its hop used per request (the upstream's for (a), the proxy's for the others)
 * and, since they share the cores, the load generator's (every row) and the upstream's (proxied rows); then the SDK's real
 * MCP server direct and through Portcullis; SSE first-event and per-event added delay; the JWKS
 * fetch count of a cold burst; the gateway's peak RSS under load. Then the edge rows (bench/edge-rows.ts: nginx,
 * forward-auth, metrics, tracing, workers) in alternating rounds of their own.
 * The gateway is the production bundle run as `npm start` runs it: same Node flags and environment
 * defaults, console on (Next.js loaded). Only LOG_LEVEL=warn differs: no access-log line per request,
 * whose writes would land in this process, which is also the load generator.
 * BENCH_CONSOLE=0 measures a proxy-only replica instead (PORTCULLIS_NO_CONSOLE=1); BENCH_CONSOLE_USED=1, a
 * gateway whose console has served one API request; BENCH_IDENTITY_HEADERS=0, servers that send no
 * X-Portcullis-* identity headers upstream. BENCH_ROWS selects rows of both tables (bench/rows.ts), e.g.
 * BENCH_ROWS=b,c,e or BENCH_ROWS=n,f,fx; unset, the core rows a–e and the edge rows run.
 * Prints a table per table. A run with every row of a–e (the full bench, which also measures the SDK server
 * and SSE) writes bench/results/<timestamp>.json and latest.json; any other run rows-<timestamp>.json and
 * rows-latest.json; the newest KEEP_RUNS timestamped files of each kind are kept.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import http from "node:http";
import { exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { createClient, type Client } from "@libsql/client";
import { startGateway, type Gateway } from "../test/support/gateway";
import { freePort } from "../test/support/cleanup";
import { cannon, latency, sleep, type CannonResult, type LatencyResult } from "./load";
import { startPeer, stopPeers } from "./peers";
import { benchServer, benchToken, BODY, ISSUER, MCP_HEADERS } from "./workload";
import { mainThreadCpuUs, processCpuUs, processRssMb } from "./proc-stats";
import { runEdgeRows } from "./edge-rows";
import { parseRows, roundOrder, type CoreRowKey } from "./rows";
import type { AuditQueueStats } from "../lib/audit/queue";
import type { AuditStatus } from "../lib/audit/service";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildAll } from "../scripts/build-if-stale.mjs";
import { SERVER_ENV, SERVER_NODE_ARGS } from "../scripts/server-process.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * A positive number (a whole one for counts) from the environment, or the default; anything else stops the bench
 * with the variable's name.
 */
function envNumber(name: string, fallback: number, whole = false): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!(raw.trim() !== "" && Number.isFinite(n) && n > 0 && (!whole || Number.isInteger(n))))
    throw new Error(`${name} must be a positive ${whole ? "whole " : ""}number, got ${JSON.stringify(raw)}`);
  return n;
}
// 5 rounds: on a shared 2-core VM single rounds vary widely, and fewer rounds make the mean move between runs.
const ROUNDS = envNumber("BENCH_ROUNDS", 5, true);
const ROUND_S = envNumber("BENCH_ROUND_S", 5);
// Each row's warm-up before round 1, so the JIT has settled: steady state is what a proxy lives in.
const WARMUP_S = envNumber("BENCH_WARMUP_S", 3);
/** 0 or 1 from the environment, or the default; anything else stops the bench with the variable's name. */
function envFlag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (raw !== "0" && raw !== "1") throw new Error(`${name} must be 0 or 1, got ${JSON.stringify(raw)}`);
  return raw === "1";
}
const WITH_CONSOLE = envFlag("BENCH_CONSOLE", true);
// BENCH_CONSOLE_USED=1: one admin API request before anything is measured, as when an operator has
// opened the console. On Node 20 that request makes Next.js enable AsyncLocalStorage, whose async_hooks
// then run for every async resource of the process, hot path included, until it exits (docs/performance.md).
const CONSOLE_USED = envFlag("BENCH_CONSOLE_USED", false);
if (CONSOLE_USED && !WITH_CONSOLE) throw new Error("BENCH_CONSOLE_USED=1 needs the console (BENCH_CONSOLE=1)");
// BENCH_IDENTITY_HEADERS=0: the servers under test send no X-Portcullis-* headers upstream (identityHeaders:
// false), to see what those three headers cost the gateway and the upstream. On by default, as in a config.
const IDENTITY_HEADERS = envFlag("BENCH_IDENTITY_HEADERS", true);
const BASE_REF = process.env.BENCH_BASE_REF || undefined;
const SELECTION = parseRows(process.env.BENCH_ROWS, BASE_REF);
type Key = CoreRowKey;
const SELECTED = SELECTION.core;
const FULL_RUN = SELECTION.full;
const has = (k: Key) => SELECTED.includes(k);
const CONNECTIONS = 32;
// Each edge gateway configuration (c, m, t, h, w) runs in this many processes, used in turn by round.
const EDGE_PROCESSES = envNumber("BENCH_EDGE_PROCESSES", 2, true);
/** Timestamped result files kept in bench/results/ besides latest.json. */
const KEEP_RUNS = 5;
const POOL = 10_000;
/** Samples a process's RSS while `fn` runs; returns fn's result and the peak. */
async function withRss<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = processRssMb(pid);
  const t = setInterval(() => (peak = Math.max(peak, processRssMb(pid))), 200);
  try {
    return { value: await fn(), peakMb: peak };
  } finally {
    clearInterval(t);
  }
}

/** Opens SSE streams one after another; returns median time to first event and median per-event lag (ms). */
async function sse(url: string, headers: Record<string, string>, streams: number) {
  const first: number[] = [];
  const lag: number[] = [];
  const agent = new http.Agent({ keepAlive: true });
  for (let s = 0; s < streams; s++) {
    await new Promise<void>((resolve, reject) => {
      const u = new URL(url);
      const t0 = performance.timeOrigin + performance.now();
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: "GET",
          agent,
          headers: { accept: "text/event-stream", ...headers },
        },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`SSE ${url}: HTTP ${res.statusCode}`));
          let buf = "";
          let n = 0;
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            const now = performance.timeOrigin + performance.now();
            buf += c;
            let i: number;
            while ((i = buf.indexOf("\n\n")) >= 0) {
              const ev = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const data = /data: (.*)/.exec(ev)?.[1];
              if (!data) continue;
              const { t } = JSON.parse(data) as { t: number };
              if (n++ === 0) first.push(now - t0);
              else lag.push(now - t);
            }
          });
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end();
    });
  }
  agent.destroy();
  return { firstEventMs: median(first), perEventLagMs: median(lag) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
/** The audit queue's counters from the gateway's admin API (GET /api/audit/status), asked after the measured rows. */
async function auditQueueStats(g: Gateway): Promise<AuditQueueStats> {
  const r = await g.api("/api/audit/status");
  if (r.status !== 200) throw new Error(`GET /api/audit/status answered HTTP ${r.status}`);
  return ((await r.json()) as AuditStatus).queue;
}

/**
 * Audit records written so far for `server`, read from the gateway's SQLite file. During the rows the queue's own
 * counters are not asked for: they are an admin API served by the console, and the rows measure a gateway whose
 * console has served at most one request (docs/performance.md, "The console on Node 20").
 */
async function auditRows(db: Client, server: string): Promise<number> {
  const r = await db.execute({ sql: 'SELECT count(*) AS n FROM "McpAuditRecord" WHERE "server" = ?', args: [server] });
  return Number(r.rows[0].n);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

async function main() {
  const started = Date.now();
  // Keys and peers.
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256", use: "sig" };
  const [upstream, sseUp, sdk, jwks] = await Promise.all([
    startPeer("upstream"),
    startPeer("sse"),
    startPeer("mcp-sdk"),
    startPeer("jwks", JSON.stringify({ keys: [jwk] })),
  ]);
  const upstreamUrl = `http://127.0.0.1:${upstream.port}/mcp`;
  // Measure what `npm start` runs: the production bundle on plain Node, with the console unless BENCH_CONSOLE=0.
  await buildAll({ console: WITH_CONSOLE }); // as npm start: the console only when it is served
  console.log(
    `gateway: production bundle, ${WITH_CONSOLE ? "console on (as npm start runs it)" : "proxy-only (PORTCULLIS_NO_CONSOLE=1)"}`,
  );
  if (!IDENTITY_HEADERS) console.log("identity headers off (identityHeaders: false)");
  const identity = IDENTITY_HEADERS ? undefined : "    identityHeaders: false";
  const env = { ...SERVER_ENV, PORTCULLIS_NO_CONSOLE: WITH_CONSOLE ? undefined : "1", LOG_LEVEL: "warn" };
  const providers = [
    "providers:",
    "  - name: bench",
    `    issuer: ${ISSUER}`,
    `    jwksUrl: http://127.0.0.1:${jwks.port}/jwks`,
  ];
  const core = SELECTED.length
    ? await coreRows({ privateKey, upstream, sseUp, sdk, jwks, identity, env, providers })
    : undefined;
  // Edge and observability rows (bench/edge-rows.ts), in alternating rounds of their own.
  const otlpSink = SELECTION.edge.includes("t") ? await startPeer("otlp-sink") : undefined;
  const edge = SELECTION.edge.length
    ? await runEdgeRows({
        root: ROOT,
        rows: SELECTION.edge,
        rounds: ROUNDS,
        roundS: ROUND_S,
        warmupS: WARMUP_S,
        connections: CONNECTIONS,
        processes: EDGE_PROCESSES,
        body: BODY,
        headers: MCP_HEADERS,
        upstreamUrl,
        upstreamPid: upstream.pid,
        config: [...providers, "servers:", benchServer("bench", upstreamUrl, { extra: identity })].join("\n"),
        env,
        sign: (audiences) => benchToken(privateKey, "bench-user", audiences),
        otlpSinkUrl: otlpSink && `http://127.0.0.1:${otlpSink.port}`,
        baseRef: BASE_REF,
      })
    : undefined;
  const os = await import("node:os");
  const report = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg(),
    rows: { core: SELECTED, edge: SELECTION.edge },
    ...core?.report,
    edge,
    durationS: (Date.now() - started) / 1000,
  };
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(report, null, 2);
  // A short history beside latest.json (full runs) and rows-latest.json (others): the newest runs of each kind.
  const prefix = FULL_RUN ? "" : "rows-";
  writeFileSync(join(dir, `${prefix}${report.at.replace(/[:.]/g, "-")}.json`), json);
  writeFileSync(join(dir, `${prefix}latest.json`), json);
  const runs = readdirSync(dir)
    .filter((f) => (FULL_RUN ? /^\d{4}-.*\.json$/ : /^rows-\d{4}-.*\.json$/).test(f))
    .sort();
  for (const old of runs.slice(0, -KEEP_RUNS)) rmSync(join(dir, old));
  console.log(`\nwrote bench/results/${prefix}latest.json (${fmt(report.durationS)} s)`);
}

type Peer = { port: number; pid: number };
type CoreContext = {
  privateKey: CryptoKey;
  upstream: Peer;
  sseUp: Peer;
  sdk: Peer;
  jwks: Peer;
  /** A server's extra config line (identityHeaders: false), if any. */
  identity: string | undefined;
  env: Record<string, string | undefined>;
  /** The config's providers section. */
  providers: string[];
};

/**
 * The core table (a–e and e's split): every row in alternating rounds, (e) and its split on a gateway of
 * their own; then latency, SDK, SSE.
 */
async function coreRows({ privateKey, upstream, sseUp, sdk, jwks, identity, env, providers }: CoreContext) {
  const upstreamUrl = `http://127.0.0.1:${upstream.port}/mcp`;
  // The bare proxy runs with the gateway's Node flags, so that (c)/(b) measures what the gateway does, not how V8 is tuned.
  const bare = has("b") ? await startPeer("bare-proxy", upstreamUrl, SERVER_NODE_ARGS) : { port: 0, pid: 0 };
  const port = await freePort();
  const gw: Gateway = await startGateway({
    built: true,
    port,
    env,
    config: [
      ...providers,
      "servers:",
      benchServer("bench", upstreamUrl, { extra: identity }),
      benchServer("sse", `http://127.0.0.1:${sseUp.port}/sse`, { extra: identity }),
      benchServer("sdk", `http://127.0.0.1:${sdk.port}/mcp`, { extra: identity }),
    ].join("\n"),
  });
  // The policy rows get a gateway of their own: the audit writer's thread and its SQLite client stay out of
  // (c) and (d)'s process, as in a deployment without audited servers.
  const policyRows = SELECTED.some((k) => k === "e" || k === "er" || k === "ea");
  const pgw: Gateway = policyRows
    ? await startGateway({
        built: true,
        port: await freePort(),
        env,
        config: [
          ...providers,
          "servers:",
          benchServer("policy", upstreamUrl, { rules: true, audit: true, extra: identity }),
          benchServer("rules", upstreamUrl, { rules: true, extra: identity }),
          benchServer("audited", upstreamUrl, { audit: true, extra: identity }),
        ].join("\n"),
      })
    : gw;
  if (CONSOLE_USED) {
    // Every gateway of the table alike, the policy rows' own included.
    for (const g of new Set([gw, pgw])) {
      const r = await g.api("/api/servers");
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`BENCH_CONSOLE_USED: GET /api/servers answered HTTP ${r.status}`);
    }
    console.log("console used: one admin API request before the measured rows");
  }
  const aud = [
    ...["bench", "sse", "sdk"].map((n) => `${gw.url}/servers/${n}/mcp`),
    ...["policy", "rules", "audited"].map((n) => `${pgw.url}/servers/${n}/mcp`),
  ];
  const sign = (sub: string) => benchToken(privateKey, sub, aud);
  const token = await sign("bench-user");
  const auth = { ...MCP_HEADERS, authorization: `Bearer ${token}` };

  // Cold burst: 200 concurrent first requests with distinct tokens → exactly one JWKS fetch.
  const burstTokens = await Promise.all(Array.from({ length: 200 }, (_, i) => sign(`burst-${i}`)));
  const burst = await Promise.all(
    burstTokens.map((t) =>
      fetch(`${gw.url}/servers/bench/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${t}` },
        body: BODY,
      }).then(async (r) => (await r.arrayBuffer(), r.status)),
    ),
  );
  const jwksFetches = Number(await (await fetch(`http://127.0.0.1:${jwks.port}/count`)).text());
  const burstOk = burst.filter((s) => s === 200).length;
  console.log(`cold burst: ${burstOk}/200 accepted, JWKS fetches: ${jwksFetches}`);

  const pool: string[] = [];
  // (d) warms up on tokens of its own, so the measured pool is still unverified when round 1 starts.
  const warmPool: string[] = [];
  if (has("d")) {
    process.stdout.write(`signing ${POOL} tokens… `);
    for (let i = 0; i < POOL; i++) pool.push(await sign(`user-${i}`));
    for (let i = 0; i < 2000; i++) warmPool.push(await sign(`warm-${i}`));
    console.log("done");
  }

  // `hop`: the process whose CPU time a row is charged (the one it measures).
  const allRows: Record<
    Key,
    { label: string; url: string; headers: Record<string, string>; tokens?: string[]; hop: number }
  > = {
    a: {
      label: "(a) direct upstream",
      url: upstreamUrl,
      headers: auth as Record<string, string>,
      tokens: undefined as string[] | undefined,
      hop: upstream.pid,
    },
    b: {
      label: "(b) bare http-proxy (keep-alive)",
      url: `http://127.0.0.1:${bare.port}/mcp`,
      headers: auth,
      tokens: undefined,
      hop: bare.pid,
    },
    c: {
      label: "(c) Portcullis, one RS256 JWT",
      url: `${gw.url}/servers/bench/mcp`,
      headers: auth,
      tokens: undefined,
      hop: gw.pid,
    },
    d: {
      label: "(d) Portcullis, 10k distinct JWTs",
      url: `${gw.url}/servers/bench/mcp`,
      headers: MCP_HEADERS,
      tokens: pool,
      hop: gw.pid,
    },
    e: {
      label: "(e) Portcullis, 10 rules + audit",
      url: `${pgw.url}/servers/policy/mcp`,
      headers: auth,
      tokens: undefined,
      hop: pgw.pid,
    },
    er: {
      label: "(er) Portcullis, 10 rules, no audit",
      url: `${pgw.url}/servers/rules/mcp`,
      headers: auth,
      tokens: undefined,
      hop: pgw.pid,
    },
    ea: {
      label: "(ea) Portcullis, audit, no rules",
      url: `${pgw.url}/servers/audited/mcp`,
      headers: auth,
      tokens: undefined,
      hop: pgw.pid,
    },
  };
  const rows = Object.fromEntries(SELECTED.map((k) => [k, allRows[k]])) as Partial<typeof allRows>;
  const row = (k: Key) => rows[k]!;
  const perRow = <T>(): Record<Key, T[]> => ({ a: [], b: [], c: [], d: [], e: [], er: [], ea: [] });
  const results = perRow<CannonResult>();
  const cpuPerReq = perRow<number>(); // µs of the hop's CPU per request, per round
  const mainCpuPerReq = perRow<number>(); // the same, its main thread only (the event loop)
  // The other processes on the request path share the same 2 cores, so what a proxy makes them do (parse
  // the headers it adds, say) costs throughput too: each row also charges the upstream and the load generator.
  const upstreamCpuPerReq = perRow<number>();
  const loadgenCpuPerReq = perRow<number>();
  let peakRss = 0;
  let peakRssPolicy = 0;
  // The audited rows' backlog at the end of each saturated round: records of answered requests not yet written.
  const auditDb = createClient({ url: `file:${join(pgw.dataDir, "portcullis.db")}` });
  const auditServer = (k: Key) => (k === "e" ? "policy" : "audited");
  const backlog = perRow<number>();
  // Warm-up (JIT, sockets), not measured; counted only to compare the audit's written records with what was sent.
  const warmupRequests = perRow<number>();
  for (const k of SELECTED) {
    const w = await cannon({
      ...row(k),
      ...(k === "d" ? { tokens: warmPool } : {}),
      connections: CONNECTIONS,
      durationS: WARMUP_S,
      body: BODY,
    });
    warmupRequests[k].push(w.requests);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of roundOrder(SELECTED, round)) {
      const run = () => cannon({ ...row(k), connections: CONNECTIONS, durationS: ROUND_S, body: BODY });
      const cpu0 = processCpuUs(row(k).hop);
      const main0 = mainThreadCpuUs(row(k).hop);
      const upstream0 = k === "a" ? 0 : processCpuUs(upstream.pid); // (a)'s hop is the upstream: read once
      const loadgen0 = process.cpuUsage();
      if (k === "c" || k === "d") {
        const { value, peakMb } = await withRss(gw.pid, run);
        peakRss = Math.max(peakRss, peakMb);
        results[k].push(value);
      } else if (k === "e" || k === "ea") {
        const { value, peakMb } = await withRss(pgw.pid, run);
        if (k === "e") peakRssPolicy = Math.max(peakRssPolicy, peakMb);
        results[k].push(value);
        const answered = [...warmupRequests[k], ...results[k].map((x) => x.requests)].reduce((a, b) => a + b, 0);
        backlog[k].push(answered - (await auditRows(auditDb, auditServer(k))));
      } else results[k].push(await run());
      const r = results[k].at(-1)!;
      cpuPerReq[k].push((processCpuUs(row(k).hop) - cpu0) / r.requests);
      mainCpuPerReq[k].push((mainThreadCpuUs(row(k).hop) - main0) / r.requests);
      const loadgen = process.cpuUsage(loadgen0);
      loadgenCpuPerReq[k].push((loadgen.user + loadgen.system) / r.requests);
      if (k !== "a") upstreamCpuPerReq[k].push((processCpuUs(upstream.pid) - upstream0) / r.requests);
      console.log(
        `round ${round + 1} ${row(k).label}: ${fmt(r.rps)} req/s, ${fmt(cpuPerReq[k].at(-1)!, 1)} µs CPU/req (main thread ${fmt(mainCpuPerReq[k].at(-1)!, 1)})`,
      );
    }
  }

  // Latency at 32 connections and a fixed offered rate well below saturation, so the numbers are each
  // hop's per-request cost, not queueing: a quarter of what the bare proxy sustained above, at most
  // 2,000 req/s (1,000 when (b) is not run). (A fixed 2,000 req/s is ~20 % of (b) on a fast machine but
  // ~80 % on one 4× slower, where every row's latency would be mostly queue.)
  const avg = (k: Key) => (results[k].length ? mean(results[k].map((r) => r.rps)) : NaN);
  const cpu = (k: Key) => median(cpuPerReq[k]);
  // µs per request of every process on the path, per round: (a) has no proxy, its hop is the upstream.
  const pathCpu = (k: Key) => cpuPerReq[k].map((c, i) => c + (upstreamCpuPerReq[k][i] ?? 0) + loadgenCpuPerReq[k][i]);
  const LAT_RATE = envNumber(
    "BENCH_LAT_RATE",
    has("b") ? Math.max(100, Math.min(2000, Math.round(avg("b") / 400) * 100)) : 1000,
  );
  // Alternating rounds like the throughput rows: one 4 s sample per row is at the mercy of whatever
  // else the 2 cores are doing, so each percentile is the median over rounds, and the added latency
  // is the median of the per-round differences (c and b measured back to back).
  const latKeys = SELECTED.filter((k) => k !== "d");
  const latRounds = perRow<LatencyResult>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of roundOrder(latKeys, round))
      latRounds[k].push(
        await latency({
          url: row(k).url,
          headers: row(k).headers,
          body: BODY,
          connections: CONNECTIONS,
          rate: LAT_RATE,
          durationMs: 4000,
        }),
      );
  }
  const lat: Partial<Record<Key, LatencyResult & { rounds: LatencyResult[] }>> = {};
  for (const k of latKeys) {
    const rs = latRounds[k];
    lat[k] = {
      p50: median(rs.map((r) => r.p50)),
      p90: median(rs.map((r) => r.p90)),
      p99: median(rs.map((r) => r.p99)),
      n: rs.reduce((s, r) => s + r.n, 0),
      errors: rs.reduce((s, r) => s + r.errors, 0),
      rounds: rs,
    };
  }
  const pairedAdded = (x: Key, q: "p50" | "p99", by: Key = "c") =>
    latRounds[by].length && latRounds[x].length ? median(latRounds[by].map((c, i) => c[q] - latRounds[x][i][q])) : NaN;

  // The full bench only: the SDK's real MCP server (tools/call direct and through Portcullis), and SSE
  // (30 streams of 20 events 10 ms apart, direct and through Portcullis).
  const extras = FULL_RUN ? await sdkAndSse(sdk.port, sseUp.port, gw.url, token) : undefined;
  const rssAfter = processRssMb(gw.pid);

  // Summary.
  const errs = (k: Key) => results[k].reduce((s, r) => s + r.errors + r.non2xx, 0);
  const A = avg("a"),
    B = avg("b"),
    C = avg("c"),
    D = avg("d"),
    E = avg("e");
  const policyAdded = { p50VsBare: pairedAdded("b", "p50", "e"), p99VsBare: pairedAdded("b", "p99", "e") };
  // Give the queue a moment to write what the last round queued, then compare with what the audited rows sent.
  await sleep(2000);
  const written = { e: await auditRows(auditDb, "policy"), ea: await auditRows(auditDb, "audited") };
  auditDb.close();
  // The queue's own counters, asked once now that nothing is measured: the records it dropped, exactly (the
  // comparison below cannot see a drop hidden by the requests autocannon does not count).
  const queue = policyRows && WITH_CONSOLE ? await auditQueueStats(pgw) : undefined;
  const sent = (k: Key) =>
    [...warmupRequests[k], ...results[k].map((r) => r.requests), ...latRounds[k].map((r) => r.n + r.errors)].reduce(
      (s, n) => s + n,
      0,
    );
  const half = backlog.e.length >> 1;
  const audit = {
    // (e)'s backlog per round end; it does not grow when the later rounds' are no larger than the earlier ones'.
    backlogAtRoundEnd: backlog.e,
    firstHalfMaxBacklog: Math.max(0, ...backlog.e.slice(0, half)),
    secondHalfMaxBacklog: Math.max(0, ...backlog.e.slice(half)),
    eaBacklogAtRoundEnd: has("ea") ? backlog.ea : undefined,
    // Every request to an audited server is one record: what was sent and never written was lost (dropped).
    // autocannon does not count the requests still in flight when it stops (up to one per connection and run),
    // whose records are written too: written may exceed sent by that much.
    eRequests: sent("e"),
    eWritten: written.e,
    eaRequests: sent("ea"),
    eaWritten: written.ea,
    lost: Math.max(0, sent("e") - written.e) + Math.max(0, sent("ea") - written.ea),
    /** The gateway's queue counters (needs the console's API: undefined with BENCH_CONSOLE=0). */
    dropped: queue?.dropped,
    failedBatches: queue?.failedBatches,
  };
  const added = {
    p50VsBare: pairedAdded("b", "p50"),
    p99VsBare: pairedAdded("b", "p99"),
    p50VsDirect: pairedAdded("a", "p50"),
    p99VsDirect: pairedAdded("a", "p99"),
  };
  const totalErrors =
    SELECTED.reduce((s, k) => s + errs(k), 0) +
    (extras ? extras.sdkDirect.errors + extras.sdkDirect.non2xx + extras.sdkGw.errors + extras.sdkGw.non2xx : 0);
  // Each target is checked when the rows it compares ran.
  const targets = [
    has("b") && has("c") && { what: "(c) ≥ 0.9 × (b) req/s", value: `${fmt(C / B, 3)} ×`, pass: C >= 0.9 * B },
    has("d") && { what: "(d) ≥ 3000 req/s", value: `${fmt(D)} req/s`, pass: D >= 3000 },
    has("b") &&
      has("c") && {
        what: "added p50 ≤ 0.5 ms (c vs b, 32 conns)",
        value: `${fmt(added.p50VsBare, 3)} ms`,
        pass: added.p50VsBare <= 0.5,
      },
    has("b") &&
      has("c") && {
        what: "added p99 ≤ 5 ms (c vs b, 32 conns)",
        value: `${fmt(added.p99VsBare, 3)} ms`,
        pass: added.p99VsBare <= 5,
      },
    extras && {
      what: "SSE added first-event ≤ 2 ms",
      value: `${fmt(extras.sseAdded.firstEventMs, 3)} ms`,
      pass: extras.sseAdded.firstEventMs <= 2,
    },
    { what: "zero errors", value: String(totalErrors), pass: totalErrors === 0 },
    { what: "one JWKS fetch for a cold burst", value: String(jwksFetches), pass: jwksFetches === 1 && burstOk === 200 },
    (has("c") || has("d")) && {
      what: "gateway RSS under load ≤ 200 MB",
      value: `${fmt(peakRss, 1)} MB`,
      pass: peakRss <= 200,
    },
    has("b") &&
      has("e") && { what: "(e) 10 rules + audit ≥ 0.8 × (b) req/s", value: `${fmt(E / B, 3)} ×`, pass: E >= 0.8 * B },
    has("b") &&
      has("e") && {
        what: "(e) added p99 ≤ 2 ms (e vs b, fixed rate)",
        value: `${fmt(policyAdded.p99VsBare, 3)} ms`,
        pass: policyAdded.p99VsBare <= 2,
      },
    has("e") && {
      what: "(e) audit queue not growing at saturation",
      value: `backlog max ${audit.firstHalfMaxBacklog} → ${audit.secondHalfMaxBacklog}, ${audit.lost} lost, ${audit.dropped ?? "?"} dropped`,
      pass:
        audit.lost === 0 &&
        (audit.dropped ?? 0) === 0 &&
        (audit.failedBatches ?? 0) === 0 &&
        audit.secondHalfMaxBacklog <= Math.max(audit.firstHalfMaxBacklog, 1000),
    },
    has("e") && {
      what: "(e) gateway RSS under load ≤ 220 MB",
      value: `${fmt(peakRssPolicy, 1)} MB`,
      pass: peakRssPolicy <= 220,
    },
  ].filter((t): t is { what: string; value: string; pass: boolean } => Boolean(t));

  console.log(`\nThroughput: ${ROUNDS} alternating rounds × ${ROUND_S} s, ${CONNECTIONS} connections, POST tools/call`);
  console.log(
    `${"row".padEnd(40)} ${"req/s".padStart(9)} ${"×(a)".padStart(6)} ${"×(b)".padStart(6)} ${"errors".padStart(7)} ${"CPU µs/req".padStart(11)} ${"main thr".padStart(9)}  rounds`,
  );
  for (const k of SELECTED) {
    const each = results[k].map((r) => fmt(r.rps)).join(" ");
    console.log(
      `${row(k).label.padEnd(40)} ${fmt(avg(k)).padStart(9)} ${fmt(avg(k) / A, 2).padStart(6)} ${fmt(avg(k) / B, 2).padStart(6)} ${String(errs(k)).padStart(7)} ${fmt(cpu(k), 1).padStart(11)} ${fmt(median(mainCpuPerReq[k]), 1).padStart(9)}  ${each}`,
    );
  }
  if (has("b") && has("c")) {
    // The spread says how much of a ratio is the machine: (c) and (b) of the same round ran seconds apart.
    console.log(`(c)/(b) per round: ${results.c.map((r, i) => fmt(r.rps / results.b[i].rps, 2)).join(" ")}`);
    // CPU per request is the hop's own cost, whatever else the cores did: (b)'s over (c)'s is the throughput
    // ratio a saturated single-threaded gateway would reach with the cores to itself.
    console.log(
      `CPU per request (medians of rounds; (a): the upstream's, others: the proxy's): (b)/(c) ${fmt(cpu("b") / cpu("c"), 3)}, per round ${cpuPerReq.c.map((c, i) => fmt(cpuPerReq.b[i] / c, 2)).join(" ")}`,
    );
    // Where (c) costs more than (b), process by process: on a saturated shared machine the throughput ratio
    // follows the whole path's CPU per request, not the proxy's alone.
    const moreThanB = (x: Record<Key, number[]>) => median(x.c) - median(x.b);
    console.log(
      `CPU per request, (c) minus (b) (medians): proxy ${fmt(moreThanB(cpuPerReq), 1)} µs, upstream ${fmt(moreThanB(upstreamCpuPerReq), 1)} µs, load generator ${fmt(moreThanB(loadgenCpuPerReq), 1)} µs; ` +
        `whole path (b)/(c) ${fmt(median(pathCpu("b")) / median(pathCpu("c")), 3)}`,
    );
  }
  if (has("b") && has("e"))
    console.log(
      `(e)/(b) per round: req/s ${results.e.map((r, i) => fmt(r.rps / results.b[i].rps, 2)).join(" ")}; CPU per request (b)/(e) ${fmt(cpu("b") / cpu("e"), 3)}, per round ${cpuPerReq.e.map((e, i) => fmt(cpuPerReq.b[i] / e, 2)).join(" ")}`,
    );
  if (extras) {
    const { sdkDirect, sdkGw } = extras;
    console.log(
      `${"SDK MCP server, direct".padEnd(40)} ${fmt(sdkDirect.rps).padStart(9)} ${"".padStart(6)} ${"".padStart(6)} ${String(sdkDirect.errors + sdkDirect.non2xx).padStart(7)}`,
    );
    console.log(
      `${"SDK MCP server, through Portcullis".padEnd(40)} ${fmt(sdkGw.rps).padStart(9)} ${fmt(sdkGw.rps / sdkDirect.rps, 2).padStart(6)} ${"".padStart(6)} ${String(sdkGw.errors + sdkGw.non2xx).padStart(7)}`,
    );
  }
  console.log(
    `\nLatency at ${CONNECTIONS} connections, ${LAT_RATE} req/s offered (ms; medians of ${ROUNDS} alternating rounds):`,
  );
  for (const k of latKeys)
    console.log(
      `${row(k).label.padEnd(40)} p50 ${fmt(lat[k]!.p50, 3)}  p90 ${fmt(lat[k]!.p90, 3)}  p99 ${fmt(lat[k]!.p99, 3)}  (n=${lat[k]!.n}, errors ${lat[k]!.errors})`,
    );
  if (has("c"))
    console.log(
      `added by Portcullis (median of per-round differences) vs bare proxy: p50 ${fmt(added.p50VsBare, 3)} ms, p99 ${fmt(added.p99VsBare, 3)} ms; vs direct: p50 ${fmt(added.p50VsDirect, 3)} ms, p99 ${fmt(added.p99VsDirect, 3)} ms`,
    );
  if (extras) {
    const { sseDirect, sseGw, sseAdded } = extras;
    console.log(
      `\nSSE (30 streams × 20 events): first event direct ${fmt(sseDirect.firstEventMs, 3)} ms, via Portcullis ${fmt(sseGw.firstEventMs, 3)} ms (added ${fmt(sseAdded.firstEventMs, 3)} ms); per-event lag direct ${fmt(sseDirect.perEventLagMs, 3)} ms, via Portcullis ${fmt(sseGw.perEventLagMs, 3)} ms (added ${fmt(sseAdded.perEventMs, 3)} ms)`,
    );
  }
  if (has("e")) {
    console.log(
      `added by 10 rules + audit (e) vs bare proxy: p50 ${fmt(policyAdded.p50VsBare, 3)} ms, p99 ${fmt(policyAdded.p99VsBare, 3)} ms; (e)/(c) ${fmt(E / C, 3)} ×`,
    );
    console.log(
      `audit backlog at the end of (e)'s rounds (records not yet written): ${audit.backlogAtRoundEnd.join(" ")}`,
    );
  }
  if (has("e") || has("ea"))
    console.log(
      `audit: (e) ${audit.eWritten} written for ${audit.eRequests} requests${has("ea") ? `, (ea) ${audit.eaWritten} for ${audit.eaRequests} (backlog ${audit.eaBacklogAtRoundEnd!.join(" ")})` : ""}; ${audit.lost} lost; the queue counted ${audit.dropped ?? "?"} dropped, ${audit.failedBatches ?? "?"} failed batches`,
    );
  console.log(
    `gateway RSS: peak under load ${fmt(peakRss, 1)} MB ((c), (d)), ${fmt(peakRssPolicy, 1)} MB ((e)), after ${fmt(rssAfter, 1)} MB`,
  );
  console.log(`\nTargets:`);
  for (const t of targets) console.log(`  ${t.pass ? "PASS" : "MISS"}  ${t.what.padEnd(42)} ${t.value}`);

  const perRound = (xs: number[]) => ({ median: median(xs), rounds: xs });
  const rowReport = (k: Key) => ({
    label: row(k).label,
    avgRps: avg(k),
    rounds: results[k],
    errors: errs(k),
    cpuUsPerRequest: perRound(cpuPerReq[k]),
    mainThreadCpuUsPerRequest: perRound(mainCpuPerReq[k]),
    upstreamCpuUsPerRequest: k === "a" ? undefined : perRound(upstreamCpuPerReq[k]),
    loadGeneratorCpuUsPerRequest: perRound(loadgenCpuPerReq[k]),
    pathCpuUsPerRequest: median(pathCpu(k)),
  });
  const report = {
    config: {
      rounds: ROUNDS,
      roundSeconds: ROUND_S,
      warmupSeconds: WARMUP_S,
      connections: CONNECTIONS,
      pool: POOL,
      latencyRate: LAT_RATE,
      console: WITH_CONSOLE,
      consoleUsed: CONSOLE_USED,
      identityHeaders: IDENTITY_HEADERS,
      nodeArgs: SERVER_NODE_ARGS,
    },
    throughput: Object.fromEntries(SELECTED.map((k) => [k, rowReport(k)])),
    ratios: {
      cOverB: C / B,
      eOverB: E / B,
      eOverC: E / C,
      cOverA: C / A,
      dOverB: D / B,
      bOverA: B / A,
      cpuPerRequestBOverC: cpu("b") / cpu("c"),
      cpuPerRequestBOverE: cpu("b") / cpu("e"),
      pathCpuPerRequestBOverC: median(pathCpu("b")) / median(pathCpu("c")),
    },
    sdk: extras && {
      direct: extras.sdkDirect,
      portcullis: extras.sdkGw,
      ratio: extras.sdkGw.rps / extras.sdkDirect.rps,
    },
    latency: { ...lat, added, policyAdded },
    audit,
    sse: extras && { direct: extras.sseDirect, portcullis: extras.sseGw, added: extras.sseAdded },
    jwks: { coldBurstFetches: jwksFetches, coldBurstAccepted: burstOk },
    rss: { peakMb: peakRss, policyPeakMb: peakRssPolicy, afterMb: rssAfter },
    targets,
  };
  // The edge rows start gateways of their own: these need not hold memory meanwhile.
  if (pgw !== gw) await pgw.stop();
  await gw.stop();
  return { report };
}

/** The SDK's real MCP server and an SSE upstream, each direct and through Portcullis. */
async function sdkAndSse(sdkPort: number, ssePort: number, gatewayUrl: string, token: string) {
  // Initialize a session directly, then tools/call direct and through Portcullis.
  const init = await fetch(`http://127.0.0.1:${sdkPort}/mcp`, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
    }),
  });
  const sid = init.headers.get("mcp-session-id")!;
  await init.arrayBuffer();
  const sdkHeaders = { ...MCP_HEADERS, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
  const sdkDirect = await cannon({
    url: `http://127.0.0.1:${sdkPort}/mcp`,
    headers: sdkHeaders,
    body: BODY,
    connections: CONNECTIONS,
    durationS: ROUND_S,
  });
  const sdkGw = await cannon({
    url: `${gatewayUrl}/servers/sdk/mcp`,
    headers: { ...sdkHeaders, authorization: `Bearer ${token}` },
    body: BODY,
    connections: CONNECTIONS,
    durationS: ROUND_S,
  });
  const sseDirect = await sse(`http://127.0.0.1:${ssePort}/sse`, {}, 30);
  const sseGw = await sse(`${gatewayUrl}/servers/sse/mcp`, { authorization: `Bearer ${token}` }, 30);
  const sseAdded = {
    firstEventMs: sseGw.firstEventMs - sseDirect.firstEventMs,
    perEventMs: sseGw.perEventLagMs - sseDirect.perEventLagMs,
  };
  return { sdkDirect, sdkGw, sseDirect, sseGw, sseAdded };
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    stopPeers();
    await sleep(100);
    process.exit();
  });
