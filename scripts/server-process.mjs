// How the production bundle's process is started, shared by `npm start` and the tests and bench that
// run the bundle (test/support/gateway.ts), so what gets measured is what ships.

// Each flag is measured in docs/performance.md ("Node flags"); in short:
// --enable-source-maps: stack traces in logs point at the TypeScript sources (no hot-path cost).
// --heap-growing-percent=20: the old generation grows to 1.2x what survived a full GC instead of up to
//   4x; with the console loaded, V8's default lets RSS run far higher at no throughput gain.
// --no-allocation-site-pretenuring: a replica whose first traffic is a burst of waiting requests would
//   otherwise tenure the request path's allocation sites for life, and every later request's garbage
//   would fill the old generation (long scavenges, frequent full GCs). test/gc-after-cold-burst.test.ts.
// --max-valid-polymorphic-map-count=8: the gateway's process has more kinds of sockets, streams and
//   requests than a bare proxy, which pushes Node's own HTTP code past V8's default of 4 hidden
//   classes per access site (megamorphic lookups). The bench runs its bare proxy with the same flags.
// --no-memory-reducer: an idle fresh process would run memory-reducing full GCs, after which the proxy
//   path uses more CPU per request for the rest of its life. Cost: an idle process keeps its heap.
//   test/idle-gc.test.ts.
// --max-semi-space-size=8: half the default young generation: a lower peak RSS under load, no
//   measurable CPU cost.
export const SERVER_NODE_ARGS = [
  "--enable-source-maps",
  "--heap-growing-percent=20",
  "--no-allocation-site-pretenuring",
  "--max-valid-polymorphic-map-count=8",
  "--no-memory-reducer",
  "--max-semi-space-size=8",
];

// Environment defaults; the operator's own environment always wins.
export const SERVER_ENV = { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
