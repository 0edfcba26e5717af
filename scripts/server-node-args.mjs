// How the production bundle is run, shared by `npm start` and the tests and bench that run the
// bundle (test/support/gateway.ts), so what gets measured is what ships.
// --enable-source-maps: stack traces in logs point at the TypeScript sources. Measured in the bench
// (issue 3): no throughput cost within noise, since nothing on the hot path builds a stack.
export const SERVER_NODE_ARGS = ["--enable-source-maps"];
