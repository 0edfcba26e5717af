/**
 * Liveness and readiness (docs/operations.md, Probes).
 *
 * Ready = this process can serve MCP traffic: its config is loaded, its public listener is up, and it is
 * not draining. The database is reported beside it and never makes the process unready: the proxy
 * serves from the in-memory config, so a database outage must not take every replica out of a load
 * balancer at once. Only what needs the database (console writes, OAuth flows) fails meanwhile.
 * The body is public: it says whether the database answers and since when, never why (error texts
 * name hosts and drivers; they go to the logs and the authenticated console).
 */
import type { Runtime } from "../runtime/types";

/** What this process is doing with its listeners; set by the process that owns them. */
export type ServingState = {
  /** The listener that serves MCP traffic is accepting connections. */
  listening: boolean;
  /** SIGTERM received: finishing in-flight work, accepting nothing new. */
  draining: boolean;
};

export type ReadinessBody = {
  ready: boolean;
  status: "ready" | "starting" | "draining";
  checks: Record<"listener" | "config" | "drain", { ok: boolean; detail: string }>;
  database: { ok: boolean; since: string; checkedAt: string };
};

export function readiness(runtime: Pick<Runtime, "config" | "serving">): { status: number; body: ReadinessBody } {
  const { listening, draining } = runtime.serving;
  const checks: ReadinessBody["checks"] = {
    listener: { ok: listening, detail: listening ? "accepting connections" : "not listening yet" },
    config: { ok: true, detail: `version ${runtime.config.current().version}` },
    drain: { ok: !draining, detail: draining ? "draining: finishing in-flight requests" : "not draining" },
  };
  const ready = Object.values(checks).every((c) => c.ok);
  const db = runtime.config.database();
  const body: ReadinessBody = {
    ready,
    status: draining ? "draining" : ready ? "ready" : "starting",
    checks,
    database: { ok: db.ok, since: new Date(db.since).toISOString(), checkedAt: new Date(db.checkedAt).toISOString() },
  };
  return { status: ready ? 200 : 503, body };
}

export const liveness = { status: "ok" } as const;
