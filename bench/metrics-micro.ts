/**
 * `node --import tsx bench/metrics-micro.ts`: the request path's direct cost of the metrics, in
 * isolation (one request-log record and one token verdict counted, as for every proxied request).
 */
import { createMetrics } from "../lib/metrics/metrics";
import type { RequestLogRecord } from "../lib/runtime/request-log";

const metrics = createMetrics({ configVersion: () => 1, jwksAges: () => [] });
const record: RequestLogRecord = {
  seq: 1,
  atMs: 0,
  server: "bench",
  method: "POST",
  path: "/servers/bench/mcp",
  status: 200,
  outcome: "accepted",
  code: undefined,
  reason: undefined,
  subject: "user",
  client: "client",
  fingerprint: "0123456789ab",
  durationMs: 1.2,
  diagnosis: undefined,
};
const verdict = { provider: "bench", verdict: "accept" as const, cached: true };
const N = 5_000_000;
for (let round = 0; round < 5; round++) {
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    metrics.request(record);
    metrics.tokenChecked(verdict);
  }
  const u = process.cpuUsage(t);
  console.log(`round ${round + 1}: ${(((u.user + u.system) * 1000) / N).toFixed(1)} ns of CPU per request`);
}
