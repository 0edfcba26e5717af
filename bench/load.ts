/**
 * Load generators for bench/run.ts.
 * - `cannon`: autocannon for throughput (req/s, errors); its latency histogram
 *   has 1 ms resolution, too coarse for sub-millisecond overheads, so
 * - `latency`: a paced closed set of keep-alive connections recording every
 *   request's duration with hrtime (µs precision) at a fixed offered rate, so
 *   the percentiles measure per-request cost rather than queueing.
 */
import http from "node:http";
import autocannon from "autocannon";

export type CannonResult = { rps: number; errors: number; non2xx: number; requests: number };

/**
 * `connections` keep-alive connections sending the same POST as fast as they can, for `durationS`.
 * With a token pool, each connection cycles its own slice of it (token j goes to connection
 * j mod connections) as prebuilt requests, so every request the load generator writes is a ready
 * buffer, as it is for the single-token rows. autocannon's `setupRequest`, the other way to rotate
 * tokens, rebuilds the request each time, which costs the load generator (sharing the cores with the
 * proxies) enough CPU to lower the measured rows. The slices are built before autocannon starts
 * its clock (it builds each client's buffers before it starts timing, too).
 */
export async function cannon(o: {
  url: string;
  connections: number;
  durationS: number;
  body: string;
  headers: Record<string, string>;
  tokens?: string[];
}): Promise<CannonResult> {
  const { tokens, connections } = o;
  let setupClient: ((client: { setRequests(r: object[]): void }) => void) | undefined;
  if (tokens) {
    if (tokens.length < connections)
      throw new Error(`a token pool needs at least one token per connection (${tokens.length} < ${connections})`);
    const slices: object[][] = Array.from({ length: connections }, () => []);
    tokens.forEach((t, j) => slices[j % connections].push({ headers: { ...o.headers, authorization: `Bearer ${t}` } }));
    let next = 0;
    setupClient = (client) => client.setRequests(slices[next++ % connections]);
  }
  const r = await autocannon({
    url: o.url,
    method: "POST",
    connections,
    duration: o.durationS,
    headers: o.headers,
    body: o.body,
    ...(setupClient ? { setupClient } : {}),
  });
  return { rps: r.requests.average, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

export type LatencyResult = { p50: number; p90: number; p99: number; n: number; errors: number };

/** `connections` keep-alive connections sharing `rate` requests/s for `durationMs`. Durations in ms. */
export async function latency(o: {
  url: string;
  connections: number;
  rate: number;
  durationMs: number;
  body: string;
  headers: Record<string, string>;
}): Promise<LatencyResult> {
  const u = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const samples: number[] = [];
  let errors = 0;
  const interval = (o.connections * 1000) / o.rate; // per connection
  const end = performance.now() + o.durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: "POST",
          agent,
          headers: { ...o.headers, "content-length": Buffer.byteLength(o.body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
            else errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(o.body);
    });
  await Promise.all(
    Array.from({ length: o.connections }, async (_, c) => {
      await sleep((interval * c) / o.connections);
      while (performance.now() < end) {
        const started = performance.now();
        await one();
        const wait = interval - (performance.now() - started);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  agent.destroy();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? NaN;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), n: samples.length, errors };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
