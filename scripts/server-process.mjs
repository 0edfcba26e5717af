// How the production bundle's process is started, shared by `npm start` and the tests and bench that
// run the bundle (test/support/gateway.ts), so what gets measured is what ships.

// --enable-source-maps: stack traces in logs point at the TypeScript sources. Measured in the bench
// (issue 3): no throughput cost within noise, since nothing on the hot path builds a stack.
export const SERVER_NODE_ARGS = ["--enable-source-maps"];

// Environment defaults; the operator's own environment always wins.
// (MALLOC_ARENA_MAX=2 was measured too, with the console on under the 10k-token load: peak RSS
// 190–277 MB against 192–264 MB without it, so it is not set.)
export const SERVER_ENV = { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
