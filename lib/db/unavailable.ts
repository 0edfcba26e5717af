/**
 * Recognises "the database cannot be reached right now" among the errors Prisma and its driver adapters
 * throw (server down or restarting, connection cut, pool exhausted), as opposed to a bad query or a
 * constraint. Requests that need the database then get 503 `storage_unavailable` with a message that says
 * what still works, not a 500; the details (host, driver message) stay in the logs.
 * Only Prisma's own errors are considered: an IdP or upstream connection failure is not a database outage.
 */

/** Prisma error codes for an unreachable or overloaded server (P1xxx connection errors, P2024 pool timeout). */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Driver adapter error kinds (@prisma/driver-adapter-utils) with the same meaning. */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TlsConnectionError",
]);
/** PostgreSQL SQLSTATEs: connection exceptions (08xxx), too many connections, shutting down or starting up. */
const PG_STATE = /^(?:08[0-9A-Z]{3}|53300|57P0[1-3])$/;
const MESSAGE =
  /Can't reach database server|Connection terminated unexpectedly|Connection terminated due to connection timeout/;

export const DATABASE_UNAVAILABLE_MESSAGE =
  "the database is unreachable, so this request cannot be served now; MCP traffic keeps flowing with the last loaded configuration. Try again when the database is back";

type PrismaLike = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: AdapterCause } };
  cause?: AdapterCause;
};
type AdapterCause = { kind?: unknown; code?: unknown; originalCode?: unknown; message?: unknown } | undefined;

export function isDatabaseUnavailable(e: unknown): boolean {
  if (!e || typeof e !== "object") return false;
  const o = e as PrismaLike;
  const name = typeof o.name === "string" ? o.name : "";
  if (name === "DriverAdapterError") return adapterUnavailable(o.cause);
  if (!name.startsWith("PrismaClient")) return false;
  if (typeof o.code === "string" && PRISMA_CODES.has(o.code)) return true;
  if (adapterUnavailable(o.meta?.driverAdapterError?.cause)) return true;
  return typeof o.message === "string" && MESSAGE.test(o.message);
}

function adapterUnavailable(c: AdapterCause): boolean {
  if (!c) return false;
  if (typeof c.kind === "string" && ADAPTER_KINDS.has(c.kind)) return true;
  const state = typeof c.code === "string" ? c.code : typeof c.originalCode === "string" ? c.originalCode : "";
  return PG_STATE.test(state) || (typeof c.message === "string" && MESSAGE.test(c.message));
}

/** One line for logs and the console: Prisma's messages start with a call-site excerpt; the cause is last. */
export function databaseErrorSummary(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? "unknown error").slice(0, 300);
}
