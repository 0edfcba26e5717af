/**
 * What every serving process shares: opening a listener with a clear error, the start-up banner, and
 * the shutdown sequence (drain the listeners, then close the console and the runtime, then exit).
 * The processes themselves: serve-single.ts (PORTCULLIS_WORKERS=1), cluster-primary.ts and
 * cluster-worker.ts. docs/operations.md describes the behaviour.
 */
import type { RequestListener, Server } from "node:http";
import type { Env } from "../config/env";
import type { Logger } from "../log";
import type { Runtime } from "../runtime/types";
import type { ConnectionTracker } from "./drain";
import type { NextHandler } from "./gateway-server";
import { listenFailed } from "./listen-error";

/** The admin console (Next.js); server.ts loads it, so lib/ never imports the framework. */
export type ConsoleApp = { handler: NextHandler; close(): Promise<void> };

export type ServeDeps = {
  env: Env;
  logger: Logger;
  /** Loads the console; undefined with PORTCULLIS_NO_CONSOLE. */
  loadConsole?: () => Promise<ConsoleApp>;
  /** A new HTTP listener with the gateway's timeouts, connection cap and socket shaping. */
  createListener: (handler: RequestListener) => Server;
  /** Flushes and stops tracing at shutdown; undefined when tracing is off. */
  stopTracing?: () => Promise<void>;
};

/** Listens on host:port (or a unix socket path when port is undefined); resolves with the bound port. */
export async function listen(
  server: Server,
  where: { host: string; port: number; vars?: { host: string; port: string } } | { path: string },
): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const failed = (e: unknown) => reject("path" in where ? e : listenFailed(e, where.host, where.port, where.vars));
    server.once("error", failed);
    const done = () => {
      server.off("error", failed);
      resolve();
    };
    if ("path" in where) server.listen(where.path, done);
    else server.listen(where.port, where.host, done);
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

export const urlOf = (host: string, port: number) => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

export const ADMIN_VARS = { host: "ADMIN_HOST", port: "ADMIN_PORT" };

/** The start-up log line, and the banner on a terminal (or outside tests). */
export function announce(
  env: Env,
  logger: Logger,
  facts: { publicUrl: string; adminUrl?: string; console: boolean; database: string; workers: number },
) {
  logger.info(
    {
      url: facts.publicUrl,
      ...(facts.adminUrl ? { admin: facts.adminUrl } : {}),
      database: facts.database,
      console: facts.console,
      workers: facts.workers,
    },
    "portcullis listening",
  );
  if (process.stdout.isTTY || env.NODE_ENV !== "test") {
    const base = env.PUBLIC_URL ?? facts.publicUrl;
    const consoleAt = facts.adminUrl ?? base;
    console.log(
      `\n  Portcullis is running at ${base}${facts.workers > 1 ? ` (${facts.workers} workers)` : ""}\n${
        facts.console ? `  Console: ${consoleAt}/  (sign in as "admin")\n` : ""
      }`,
    );
  }
}

/**
 * Runs `stop` once on the first SIGTERM or SIGINT (later signals are ignored: a terminal's Ctrl-C reaches
 * both `npm start` and the server, and `npm start` forwards it too), then exits 0, or 1 if stop failed.
 */
export function onTermination(logger: Logger, stop: (signal: string) => Promise<void>) {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => handle("SIGTERM"));
  process.on("SIGINT", () => handle("SIGINT"));
  return handle;
}

/** Drains the tracked listeners within the deadline, logging what happened. */
export async function drainListeners(runtime: Runtime, tracker: ConnectionTracker, signal: string): Promise<void> {
  const { env, logger } = runtime;
  runtime.serving.draining = true;
  logger.info(
    {
      signal,
      connections: tracker.open,
      delayMs: env.PORTCULLIS_DRAIN_DELAY_MS,
      deadlineMs: env.PORTCULLIS_DRAIN_TIMEOUT_MS,
    },
    "draining: not ready; in-flight requests and streams may finish until the deadline",
  );
  const r = await tracker.drain(env.PORTCULLIS_DRAIN_TIMEOUT_MS, env.PORTCULLIS_DRAIN_DELAY_MS);
  logger[r.cut > 0 ? "warn" : "info"](
    { inFlight: r.inFlight, completed: r.inFlight - r.cut, cut: r.cut, durationMs: r.durationMs },
    r.cut > 0 ? "drained: cut the connections still busy at the deadline" : "drained",
  );
}

/** Closes what a process holds after draining; a close that hangs (an unreachable database) is abandoned. */
export async function closeAll(logger: Logger, ...closers: (() => Promise<unknown>)[]): Promise<void> {
  for (const close of closers) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      close().catch((e: unknown) => logger.warn({ err: e }, "error while closing")),
      new Promise((r) => (timer = setTimeout(r, 3000))),
    ]);
    clearTimeout(timer);
  }
  logger.info("stopped");
}
