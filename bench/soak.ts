/**
 * `npm run soak [-- --minutes N]`: the gateway under steady load for N minutes (default 10; or
 * SOAK_MINUTES), to see that it stays healthy over time: errors, p50/p99 latency and the gateway's RSS
 * per minute, and the RSS trend (least-squares slope of the RSS samples after the first minute, and over
 * the second half, MB/min).
 *
 * The gateway is the production bundle with the console, as `npm start` runs it (LOG_LEVEL=warn: no
 * access-log line per request in this process, which is also the load generator). Its upstream is the
 * minimal JSON-RPC responder and its JWKS a static document, each in its own process. The load is paced:
 * SOAK_RATE requests/s (default 500) over SOAK_CONNECTIONS keep-alive connections (default 32), each
 * request with the next of SOAK_TOKENS distinct RS256 tokens (default 1,000), so every token is verified
 * again each time its cached verdict expires (60 s). Latency is measured per request with hrtime.
 * The machine's load average is printed beside each minute: on shared cores, p99 moves with it.
 * Prints a table and writes bench/results/soak-<timestamp>.json; exits 1 if the gateway died.
 */
import http from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { freePort } from "../test/support/cleanup";
import { startGateway } from "../test/support/gateway";
import { sleep } from "./load";
import { startPeer, stopPeers } from "./peers";
import { processRssMb } from "./proc-stats";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildAll } from "../scripts/build-if-stale.mjs";
import { SERVER_ENV } from "../scripts/server-process.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `--name value` from the command line, else the environment variable, else the default; positive numbers only. */
function option(flag: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(`--${flag}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!(raw.trim() !== "" && Number.isFinite(n) && n > 0))
    throw new Error(`--${flag} (or ${env}) must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

const MINUTES = option("minutes", "SOAK_MINUTES", 10);
const RATE = option("rate", "SOAK_RATE", 500);
const CONNECTIONS = option("connections", "SOAK_CONNECTIONS", 32);
const TOKENS = option("tokens", "SOAK_TOKENS", 1000);
const RSS_SAMPLE_MS = 5_000;
const ISSUER = "https://issuer.soak.portcullis.test";
const BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "echo", arguments: { text: "hello" } },
});

type Minute = { requests: number; errors: number; latencies: number[]; rss: number[]; load: number[] };
/** `load`: the machine's 1-minute load average at the minute's last sample (the cores are shared). */
type Row = {
  minute: number;
  requests: number;
  rps: number;
  errors: number;
  p50: number;
  p99: number;
  rssMb: number;
  load: number;
};

const quantile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

async function main() {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "soak", alg: "RS256", use: "sig" };
  const [upstream, jwks] = await Promise.all([
    startPeer("upstream"),
    startPeer("jwks", JSON.stringify({ keys: [jwk] })),
  ]);
  await buildAll({ console: true });
  const port = await freePort();
  const gw = await startGateway({
    built: true,
    port,
    env: { ...SERVER_ENV, PORTCULLIS_NO_CONSOLE: undefined, LOG_LEVEL: "warn" },
    config: `
providers:
  - name: soak
    issuer: ${ISSUER}
    jwksUrl: http://127.0.0.1:${jwks.port}/jwks
servers:
  - name: soak
    upstream: http://127.0.0.1:${upstream.port}/mcp
    oauth: { provider: soak, mode: direct }
`,
  });
  const url = new URL(`${gw.url}/servers/soak/mcp`);
  const now = Math.floor(Date.now() / 1000);
  const exp = now + MINUTES * 60 + 600;
  process.stdout.write(`signing ${TOKENS} tokens… `);
  const tokens: string[] = [];
  for (let i = 0; i < TOKENS; i++) {
    tokens.push(
      await new SignJWT({ iss: ISSUER, aud: url.href, sub: `user-${i}`, client_id: "soak", scope: "mcp:read" })
        .setProtectedHeader({ alg: "RS256", kid: "soak", typ: "at+jwt" })
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(privateKey),
    );
  }
  console.log(`done\nsoak: ${MINUTES} min at ${RATE} req/s over ${CONNECTIONS} connections, ${TOKENS} tokens\n`);

  const minutes: Minute[] = Array.from({ length: Math.ceil(MINUTES) }, () => ({
    requests: 0,
    errors: 0,
    latencies: [],
    rss: [],
    load: [],
  }));
  const rssSamples: { x: number; y: number }[] = [];
  const started = performance.now();
  const end = started + MINUTES * 60_000;
  const minuteOf = (t: number) => Math.min(minutes.length - 1, Math.floor((t - started) / 60_000));
  let gatewayDied = false;
  const sampleRss = () => {
    if (gw.exited()) return void (gatewayDied = true);
    const t = performance.now();
    const mb = processRssMb(gw.pid);
    minutes[minuteOf(t)].rss.push(mb);
    minutes[minuteOf(t)].load.push(loadavg()[0]);
    rssSamples.push({ x: (t - started) / 60_000, y: mb });
  };
  sampleRss();
  const rssTimer = setInterval(sampleRss, RSS_SAMPLE_MS);
  let reported = 0;
  const reportTimer = setInterval(() => {
    const done = Math.floor((performance.now() - started) / 60_000);
    for (; reported < done && reported < minutes.length; reported++) printRow(rowOf(reported));
  }, 1000);

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const interval = (CONNECTIONS * 1000) / RATE; // per connection
  const one = (token: string) =>
    new Promise<void>((resolve) => {
      const t0 = process.hrtime.bigint();
      const at = performance.now();
      const m = minutes[minuteOf(at)];
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            authorization: `Bearer ${token}`,
            "content-length": Buffer.byteLength(BODY),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            m.requests++;
            if (res.statusCode === 200) m.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            else m.errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        m.requests++;
        m.errors++;
        resolve();
      });
      req.end(BODY);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      await sleep((interval * c) / CONNECTIONS);
      let j = c;
      let next = performance.now();
      while (performance.now() < end && !gatewayDied) {
        await one(tokens[j % tokens.length]);
        j += CONNECTIONS;
        // Paced on a schedule, not after each response, so slow responses do not lower the offered rate.
        next += interval;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  clearInterval(rssTimer);
  clearInterval(reportTimer);
  agent.destroy();
  for (; reported < minutes.length; reported++) printRow(rowOf(reported));

  const after = rssSamples.filter((s) => s.x >= 1);
  const trend = slope(after.length >= 2 ? after : rssSamples);
  // Growth that stops (heap sizing, JIT, caches filling) shows in the first half; a leak keeps going.
  const secondHalf = slope(rssSamples.filter((s) => s.x >= MINUTES / 2));
  const rows = minutes.map((_, i) => rowOf(i));
  const totals = {
    requests: rows.reduce((a, r) => a + r.requests, 0),
    errors: rows.reduce((a, r) => a + r.errors, 0),
  };
  console.log(
    `\n${totals.requests} requests, ${totals.errors} errors; RSS slope after minute 1: ${trend.toFixed(2)} MB/min, ` +
      `over the second half: ${secondHalf.toFixed(2)} MB/min (${after.length} samples every ${RSS_SAMPLE_MS / 1000} s)` +
      `${gatewayDied ? "; THE GATEWAY EXITED" : ""}`,
  );
  const report = {
    at: new Date().toISOString(),
    options: { minutes: MINUTES, rate: RATE, connections: CONNECTIONS, tokens: TOKENS },
    rows,
    totals,
    rssSlopeMbPerMin: trend,
    rssSlopeSecondHalfMbPerMin: secondHalf,
    rssSamples: rssSamples.map((s) => ({ minute: Number(s.x.toFixed(3)), mb: Number(s.y.toFixed(1)) })),
    gatewayDied,
  };
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `soak-${report.at.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`wrote ${file.slice(ROOT.length + 1)}`);
  await gw.stop();
  if (gatewayDied) process.exitCode = 1;

  function rowOf(i: number): Row {
    const m = minutes[i];
    const sorted = [...m.latencies].sort((a, b) => a - b);
    const seconds = i === minutes.length - 1 && MINUTES % 1 ? (MINUTES % 1) * 60 : 60;
    return {
      minute: i + 1,
      requests: m.requests,
      rps: Math.round(m.requests / seconds),
      errors: m.errors,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      rssMb: m.rss.length ? m.rss[m.rss.length - 1] : NaN,
      load: m.load.length ? m.load[m.load.length - 1] : NaN,
    };
  }
}

let headerPrinted = false;
function printRow(r: Row) {
  if (!headerPrinted) {
    console.log("minute  requests   req/s  errors  p50 ms  p99 ms  RSS MB   load");
    headerPrinted = true;
  }
  console.log(
    `${String(r.minute).padStart(6)}  ${String(r.requests).padStart(8)}  ${String(r.rps).padStart(6)}  ${String(r.errors).padStart(6)}  ` +
      `${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${r.rssMb.toFixed(1).padStart(6)}  ${r.load.toFixed(1).padStart(5)}`,
  );
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
