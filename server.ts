/**
 * Portcullis: the custom Node server. It owns the listening sockets, routes MCP
 * and OAuth traffic itself (lib/http/gateway-server.ts) and hands the rest to
 * Next.js (the admin console). Thin on purpose: logic lives in lib/ — one
 * process (lib/http/serve-single.ts) or, with PORTCULLIS_WORKERS > 1, a primary
 * and its workers (lib/http/cluster-primary.ts, cluster-worker.ts).
 */
import cluster from "node:cluster";
import type { Server } from "node:http";
import { parseEnv, type Env } from "./lib/config/env";
import { createLogger } from "./lib/log";
import { isAppError } from "./lib/errors";
import { projectRoot } from "./lib/project-root";
import { shapeClientSocket } from "./lib/proxy/connection-verdict";
import type { ConsoleApp } from "./lib/http/listeners";
import { serveSingleProcess } from "./lib/http/serve-single";
import { servePrimary, workerCount } from "./lib/http/cluster-primary";
import { serveWorker } from "./lib/http/cluster-worker";

/** Socket settings for every HTTP listener. */
function tuneServer(server: Server) {
  server.on("connection", shapeClientSocket);
  // Keep-alive longer than typical load balancers' idle timeout; SSE streams are unaffected.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
}

async function loadConsole(env: Env): Promise<ConsoleApp> {
  const { default: next } = await import("next");
  const dev = env.NODE_ENV === "development";
  const app = next({ dev, dir: projectRoot(), hostname: env.HOST, port: env.PORT });
  await app.prepare();
  return { handler: app.getRequestHandler(), close: () => app.close() };
}

async function main() {
  const env = parseEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (cluster.isWorker) return serveWorker({ env, logger, tuneServer });
  const deps = {
    env,
    logger,
    loadConsole: env.PORTCULLIS_NO_CONSOLE ? undefined : () => loadConsole(env),
    tuneServer,
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
