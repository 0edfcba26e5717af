/**
 * A worker process (PORTCULLIS_WORKERS > 1): serves the public port, shared with the other workers
 * through node:cluster. It has its own runtime (database connection, config cache, JWKS and verdict
 * caches, metrics registry), forwards its request-log entries to the primary, answers the primary's
 * metrics collection, reloads the config when the primary says so, and drains on the primary's word,
 * on its own SIGTERM/SIGINT, or when the primary is gone. The periodic clean-ups are the primary's.
 */
import cluster from "node:cluster";
import { createRuntime } from "../runtime/create-runtime";
import { setRuntime } from "../runtime/global";
import { createForwardingRequestLog } from "../runtime/request-log-forward";
import { reportToPrimary } from "../metrics/cluster";
import { bucketsViaPrimary } from "../rate-limit/cluster-buckets";
import { CONSOLE_SOCKET_VAR, isMessage, type Listening, type ToWorker } from "./cluster-messages";
import { createConsoleForwarder } from "./console-forward";
import { ConnectionTracker } from "./drain";
import { createGatewayRequestHandler } from "./gateway-server";
import { closeAll, drainListeners, listen, onTermination, type ServeDeps } from "./listeners";

/** Sends over the IPC channel; resolves once handed over (or at once when the primary is gone). */
const toPrimary = (m: unknown) =>
  new Promise<void>((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(m, undefined, {}, () => resolve());
  });

export async function serveWorker({ env, logger: base, createListener, stopTracing }: ServeDeps): Promise<void> {
  const logger = base.child({ worker: cluster.worker?.id, pid: process.pid });
  const requestLog = createForwardingRequestLog(toPrimary);
  const runtime = await createRuntime(env, {
    logger,
    requestLog,
    bootstrapAdmin: false,
    applyConfigFile: false,
    housekeeping: false,
    siblingBuckets: bucketsViaPrimary(),
  });
  setRuntime(runtime);
  // The primary collects this registry; on a single port this worker's /metrics serves the cluster's sum.
  const metricsSource = runtime.metrics && reportToPrimary(runtime.metrics.registry);
  const consoleSocket = process.env[CONSOLE_SOCKET_VAR];
  const server = createListener(
    createGatewayRequestHandler(runtime, consoleSocket ? createConsoleForwarder(consoleSocket, logger) : undefined, {
      surface: env.ADMIN_PORT === undefined ? "all" : "public",
      metricsSource,
    }),
  );
  const tracker = new ConnectionTracker();
  tracker.track(server);
  const port = await listen(server, { host: env.HOST, port: env.PORT });
  runtime.serving.listening = true;

  const stop = onTermination(logger, async (signal) => {
    await drainListeners(runtime, tracker, signal);
    await requestLog.flush();
    await closeAll(logger, runtime.close, async () => stopTracing?.());
  });
  process.on("message", (m: unknown) => {
    if (isMessage(m, "portcullis:drain")) stop("primary");
    else if (
      isMessage<Extract<ToWorker, { kind: "portcullis:config" }>>(m, "portcullis:config") &&
      m.version !== runtime.config.current().version
    ) {
      runtime.config.refresh().catch((e: unknown) => logger.warn({ err: e }, "config reload failed"));
    }
  });
  process.once("disconnect", () => stop("primary exited"));
  await toPrimary({ kind: "portcullis:listening", port } satisfies Listening);
}
