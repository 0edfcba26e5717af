/**
 * Portcullis: the custom Node server. It owns the listening sockets, routes MCP
 * and OAuth traffic itself (lib/http/gateway-server.ts) and hands the rest to
 * Next.js (the admin console). Thin on purpose: logic lives in lib/ — one
 * process (lib/http/serve-single.ts) or, with PORTCULLIS_WORKERS > 1, a primary
 * and its workers (lib/http/cluster-primary.ts, cluster-worker.ts).
 */
import cluster from "node:cluster";
import { createServer, type RequestListener } from "node:http";
import { parseEnv, type Env } from "./lib/config/env";
import { createLogger, type Logger } from "./lib/log";
import { isAppError } from "./lib/errors";
import { limitConnections, serverOptions } from "./lib/http/server-limits";
import { projectRoot, projectVersion } from "./lib/project-root";
import { startTracing } from "./lib/tracing/setup";
import { shapeClientSocket } from "./lib/proxy/connection-verdict";
import type { ConsoleApp } from "./lib/http/listeners";
import { serveSingleProcess } from "./lib/http/serve-single";
import { servePrimary, workerCount } from "./lib/http/cluster-primary";
import { serveWorker } from "./lib/http/cluster-worker";

/** Every HTTP listener: request timeouts and the connection cap (lib/http/server-limits.ts), socket shaping. */
const listenerFactory = (env: Env, logger: Logger) => (handler: RequestListener) => {
  const server = createServer(serverOptions(env), handler);
  server.on("connection", shapeClientSocket);
  limitConnections(server, env, logger);
  return server;
};

async function loadConsole(env: Env): Promise<ConsoleApp> {
  const { default: next } = await import("next");
  const dev = env.NODE_ENV === "development";
  const app = next({ dev, dir: projectRoot(), hostname: env.HOST, port: env.PORT });
  await app.prepare();
  return { handler: app.getRequestHandler(), close: () => app.close() };
}

async function main() {
  const env = parseEnv();
  const logger = createLogger(env.LOG_LEVEL, undefined, env.LOG_FORMAT);
  // Before the runtime: the instrumented modules must see the tracer provider (a no-op when unset).
  const stopTracing = await startTracing(process.env, logger, projectVersion());
  const createListener = listenerFactory(env, logger);
  if (cluster.isWorker) return serveWorker({ env, logger, createListener, stopTracing });
  const deps = {
    env,
    logger,
    loadConsole: env.PORTCULLIS_NO_CONSOLE ? undefined : () => loadConsole(env),
    createListener,
    stopTracing,
  };
  const workers = workerCount(env);
  return workers > 1 ? servePrimary(deps, workers) : serveSingleProcess(deps);
}

main().catch((e) => {
  if (isAppError(e)) {
    console.error(`portcullis: ${e.message}`);
    for (const f of e.fields ?? []) console.error(`  ${f.path}: ${f.message}`);
  } else {
    console.error("portcullis: failed to start:", e);
  }
  process.exit(1);
});
