/**
 * The primary process with PORTCULLIS_WORKERS > 1 (node:cluster). It prepares the database (migrations,
 * PORTCULLIS_CONFIG, the bootstrap admin) once, runs the console and the periodic clean-ups once, and
 * forks the workers that serve the public port. It keeps the live request log (workers forward their
 * entries), serves the metrics of every process (lib/metrics/cluster.ts), holds the workers' shared
 * MCP rate limits on SQLite (lib/rate-limit/cluster-buckets.ts), tells workers to reload at once when
 * the config changes, replaces a worker that dies, and on SIGTERM drains them all.
 * The console is on the admin listener (ADMIN_PORT) or, on a single port, on a private unix socket the
 * workers forward console requests to (console-forward.ts).
 */
import cluster, { type Worker } from "node:cluster";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { Env } from "../config/env";
import { AppError } from "../errors";
import { createRuntime } from "../runtime/create-runtime";
import { setRuntime } from "../runtime/global";
import { isForwardedRequests, LingeringSet, receiveForwarded } from "../runtime/request-log-forward";
import { createRequestLog } from "../runtime/request-log";
import { answerScrape, clusterSource } from "../metrics/cluster";
import { primaryBuckets } from "../rate-limit/cluster-buckets";
import { CONSOLE_SOCKET_VAR, isMessage, type Listening, type ToWorker } from "./cluster-messages";
import { privateConsoleHandler } from "./console-forward";
import { ConnectionTracker } from "./drain";
import { createGatewayRequestHandler } from "./gateway-server";
import {
  ADMIN_VARS,
  announce,
  closeAll,
  drainListeners,
  listen,
  onTermination,
  urlOf,
  type ServeDeps,
} from "./listeners";

/** How long after a worker died another is started (a worker that dies at once does not spin the CPU). */
const RESTART_DELAY_MS = 1000;

export function workerCount(env: Pick<Env, "PORTCULLIS_WORKERS">): number {
  return env.PORTCULLIS_WORKERS === "auto" ? availableParallelism() : env.PORTCULLIS_WORKERS;
}

export async function servePrimary(
  { env, logger, loadConsole, createListener, stopTracing }: ServeDeps,
  count: number,
): Promise<void> {
  const requestLog = createRequestLog(undefined, { selfConnections: new LingeringSet() });
  const runtime = await createRuntime(env, { logger, requestLog });
  setRuntime(runtime);
  const consoleApp = loadConsole ? await loadConsole() : undefined;
  const tracker = new ConnectionTracker();
  /** Workers whose public listener is up: the ones `/metrics` collects from. */
  const serving = new Set<Worker>();
  const metricsSource = runtime.metrics && clusterSource(runtime.metrics.registry, () => serving);
  const rateBuckets = primaryBuckets(); // the workers' shared MCP rate limits on SQLite

  let socketDir: string | undefined;
  let consoleSocket: string | undefined;
  let adminUrl: string | undefined;
  if (env.ADMIN_PORT !== undefined) {
    const adminServer = createListener(
      createGatewayRequestHandler(runtime, consoleApp?.handler, { surface: "admin", metricsSource }),
    );
    tracker.track(adminServer);
    const host = env.ADMIN_HOST ?? env.HOST;
    adminUrl = urlOf(host, await listen(adminServer, { host, port: env.ADMIN_PORT, vars: ADMIN_VARS }));
  } else if (consoleApp) {
    socketDir = mkdtempSync(join(tmpdir(), "portcullis-console-")); // mode 0700: only this user can connect
    consoleSocket = join(socketDir, "console.sock");
    const consoleServer = createServer(privateConsoleHandler(consoleApp.handler, logger));
    tracker.track(consoleServer);
    await listen(consoleServer, { path: consoleSocket });
  }
  const removeSocketDir = () => socketDir && rmSync(socketDir, { recursive: true, force: true });
  process.once("exit", removeSocketDir);

  const workers = new Set<Worker>();
  let stopping = false;
  let started = false;
  const send = (w: Worker, m: ToWorker) => {
    if (w.isConnected()) w.send(m);
  };

  function fork(): { worker: Worker; listening: Promise<number> } {
    const worker = cluster.fork({ [CONSOLE_SOCKET_VAR]: consoleSocket ?? "" });
    workers.add(worker);
    worker.on("message", (m: unknown) => {
      if (isForwardedRequests(m)) receiveForwarded(runtime.requestLog, m);
      else if (!rateBuckets.answer(worker, m) && metricsSource) answerScrape(worker, m, metricsSource);
    });
    const listening = new Promise<number>((resolve, reject) => {
      worker.on("message", (m: unknown) => {
        if (!isMessage<Listening>(m, "portcullis:listening")) return;
        serving.add(worker);
        resolve(m.port);
      });
      worker.once("exit", (code, signal) =>
        reject(new AppError("internal", `worker ${worker.id} exited before listening (${signal ?? `code ${code}`})`)),
      );
    });
    worker.once("exit", (code, signal) => {
      workers.delete(worker);
      serving.delete(worker);
      if (stopping || !started) return;
      logger.error({ worker: worker.id, code, signal }, "worker exited unexpectedly; starting another");
      setTimeout(() => {
        if (stopping) return;
        fork().listening.catch(() => {}); // its own exit is logged by this same handler
      }, RESTART_DELAY_MS).unref();
    });
    return { worker, listening };
  }

  let port: number;
  try {
    const ports = await Promise.all(Array.from({ length: count }, () => fork().listening));
    port = ports[0];
  } catch (e) {
    stopping = true;
    for (const w of workers) w.process.kill("SIGKILL");
    removeSocketDir();
    throw e; // the worker printed why it failed
  }
  started = true;
  runtime.serving.listening = true;

  // A change made here (console) or seen by the primary's poll reaches every worker at once, not at its next poll.
  runtime.config.subscribe((s) => {
    for (const w of workers) send(w, { kind: "portcullis:config", version: s.version });
  });

  announce(env, logger, {
    publicUrl: urlOf(env.HOST, port),
    adminUrl,
    console: Boolean(consoleApp),
    database: runtime.target.kind,
    workers: count,
  });

  onTermination(logger, async (signal) => {
    stopping = true;
    const exited = [...workers].map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once("exit", () => r()))));
    for (const w of workers) send(w, { kind: "portcullis:drain" });
    // Workers drain with the same deadline; one that does not exit by then (plus time to close) is killed.
    const grace = env.PORTCULLIS_DRAIN_TIMEOUT_MS + 5000;
    const killer = setTimeout(() => {
      for (const w of workers) {
        logger.error({ worker: w.id }, "worker did not exit after draining; killing it");
        w.process.kill("SIGKILL");
      }
    }, grace);
    await Promise.all([drainListeners(runtime, tracker, signal), Promise.all(exited)]);
    clearTimeout(killer);
    await closeAll(
      logger,
      async () => consoleApp?.close(),
      runtime.close,
      async () => stopTracing?.(),
    );
    removeSocketDir();
  });
}
