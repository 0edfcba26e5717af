/**
 * Portcullis: the custom Node server. It owns the listening socket, routes MCP
 * and OAuth traffic itself (lib/http/gateway-server.ts) and hands the rest to
 * Next.js (the admin console). Thin on purpose: logic lives in lib/.
 */
import { createServer } from "node:http";
import { parseEnv } from "./lib/config/env";
import { createLogger } from "./lib/log";
import { createRuntime } from "./lib/runtime/create-runtime";
import { setRuntime } from "./lib/runtime/global";
import { createGatewayRequestHandler, type NextHandler } from "./lib/http/gateway-server";
import { isAppError } from "./lib/errors";
import { listenFailed } from "./lib/http/listen-error";
import { limitConnections, serverOptions } from "./lib/http/server-limits";
import { projectRoot } from "./lib/project-root";
import { shapeClientSocket } from "./lib/proxy/connection-verdict";

async function main() {
  const env = parseEnv();
  const logger = createLogger(env.LOG_LEVEL, undefined, env.LOG_FORMAT);
  const runtime = await createRuntime(env, { logger });
  setRuntime(runtime);

  let nextHandler: NextHandler | undefined;
  let closeNext: (() => Promise<void>) | undefined;
  if (!env.PORTCULLIS_NO_CONSOLE) {
    const { default: next } = await import("next");
    const dev = env.NODE_ENV === "development";
    const app = next({ dev, dir: projectRoot(), hostname: env.HOST, port: env.PORT });
    await app.prepare();
    nextHandler = app.getRequestHandler();
    closeNext = () => app.close();
  }

  const server = createServer(serverOptions(env), createGatewayRequestHandler(runtime, nextHandler));
  server.on("connection", shapeClientSocket);
  limitConnections(server, env, logger);

  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(listenFailed(e, env.HOST, env.PORT)));
    server.listen(env.PORT, env.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;
  logger.info({ url, database: runtime.target.kind, console: Boolean(nextHandler) }, "portcullis listening");
  if (process.stdout.isTTY || env.NODE_ENV !== "test") {
    const base = env.PUBLIC_URL ?? url;
    console.log(
      `\n  Portcullis is running at ${base}\n${nextHandler ? `  Console: ${base}/  (sign in as "admin")\n` : ""}`,
    );
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    server.close();
    server.closeIdleConnections?.();
    setTimeout(() => server.closeAllConnections?.(), 5000).unref();
    await closeNext?.().catch(() => {});
    await runtime.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
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
