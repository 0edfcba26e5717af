// How the production bundle's process is started, shared by `npm start` and the tests and bench that
// run the bundle (test/support/gateway.ts), so what gets measured is what ships.

// --enable-source-maps: stack traces in logs point at the TypeScript sources. Measured in the bench
// (issue 3): no throughput cost within noise, since nothing on the hot path builds a stack.
// --heap-growing-percent=20: after each full GC, V8 lets the old generation grow to 1.2× what survived,
// instead of up to 4× when allocation is fast. The console's modules make the surviving heap large, so
// V8's default let RSS run to 247–324 MB in `npm run bench` (console on); with 20 % the peak was
// 181–182 MB, and (c)/(b) 0.80–0.84 against 0.77–0.78 in alternating runs (no throughput cost).
// --optimize-for-size went lower (148 MB), but cost 10–40 % of the throughput.
// --no-allocation-site-pretenuring: when a fresh process's first traffic is many requests waiting at once
// (a replica started under load), V8 marked about 130 request-path allocation sites "tenured" for the life
// of the process: every later request's garbage went to the old generation (5–10 ms scavenges, a full GC
// every 0.5 s, added p99 +37–39 ms in the bench). With the flag: 1–1.6 ms scavenges, no full GC. The README
// (Benchmark) has the measurements; test/gc-after-cold-burst.test.ts guards it.
// --max-valid-polymorphic-map-count=8: a property access that has seen more than 4 hidden classes goes
// megamorphic (a hash-table probe on every access instead of inline map checks). The gateway's process
// has more kinds of sockets, streams and requests than a bare proxy (console, JWKS and IdP fetches),
// which pushes Node's own socket, stream and HTTP code past 4 (V8's --log-ic, issue 3). CPU
// profiles at 2,000 req/s, 4 alternating rounds: 40–50 µs per request in inline-cache stubs without the
// flag, 34–47 with it (a bare proxy: 30–37); at saturation 3,329 against 3,097 req/s (6 rounds). The
// bench runs its bare proxy with these same flags, so (c)/(b) does not count this gain as the gateway's.
// --no-memory-reducer: when a fresh process gets no traffic (a replica started before its traffic
// arrives), V8's memory reducer runs two memory-reducing full GCs 8–9 s after start, and after them the
// proxy path used 15–20 % more CPU per request for the rest of the process's life (user time, not page
// faults; not bytecode flushing: --no-flush-bytecode changed nothing). Gateways idle 20 s after start,
// alternating rounds: 58.6–64.2 µs per request, against 50.6–55.1 with the flag (bare proxy 47–48). In
// `npm run bench`, whose gateway idles while the bench signs its token pool, (b)/(c) CPU per request went
// from 0.74–0.83 to 0.94–0.95. The cost: an idle process keeps its heap instead of returning it to the OS
// (the peak under load is what RSS must be sized for anyway). test/idle-gc.test.ts guards it.
// --max-semi-space-size=8: the young generation's two halves grow to 8 MB each instead of 16. Peak RSS
// under the bench's load 171–184 MB against 190–210 MB; CPU per request 50.7 against 52.0 µs in
// alternating rounds, no cost within noise (README, Benchmark).
export const SERVER_NODE_ARGS = [
  "--enable-source-maps",
  "--heap-growing-percent=20",
  "--no-allocation-site-pretenuring",
  "--max-valid-polymorphic-map-count=8",
  "--no-memory-reducer",
  "--max-semi-space-size=8",
];

// Environment defaults; the operator's own environment always wins.
// (MALLOC_ARENA_MAX=2 was measured too, with the console on under the 10k-token load: peak RSS
// 190–277 MB against 192–264 MB without it, so it is not set.)
export const SERVER_ENV = { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
