/**
 * The live request log: the proxy's latest decisions, kept in memory and
 * pushed to subscribers (the console's SSE stream). Entries carry a token
 * fingerprint and the diagnosis, never the token.
 *
 * Stored column-wise in a fixed ring, and turned into objects only when read.
 * Why: at thousands of requests per second every entry outlives several
 * young-generation collections, so an object per entry (with its id and
 * timestamp strings) gets copied into the old generation and later swept:
 * measurable GC work on every proxied request. Numbers go into typed arrays;
 * the string columns hold references the request already had (server name,
 * outcome code, subject from the cached verdict), so recording allocates
 * nothing that lives.
 */
import { formatRequestId, processTag, splitRequestId } from "../http/request-id";

export type RequestOutcome = "accepted" | "rejected" | "unauthenticated" | "permissive" | "passthrough" | "error";

export type RequestLogEntry = {
  id: string;
  at: string;
  server: string;
  method: string;
  path: string;
  status: number;
  outcome: RequestOutcome;
  code?: string;
  reason?: string;
  subject?: string;
  client?: string;
  fingerprint?: string;
  durationMs?: number;
  /** Sent by the gateway's own self-test. */
  selftest?: boolean;
  /** The MCP method and the operation's name, from the body when the gateway read it. */
  mcpMethod?: string;
  mcpName?: string;
  /** The policy rule that refused the request. */
  rule?: string;
  /** The pipeline's diagnosis (JSON-safe), for "open in inspector". */
  diagnosis?: unknown;
};

/**
 * What the proxy records: the entry with its id as a sequence number and its time in epoch ms. `tag` is
 * the issuing process's id prefix, set on entries forwarded by worker processes (absent: this process).
 */
export type RequestLogRecord = Omit<RequestLogEntry, "id" | "at"> & { seq: number; atMs: number; tag?: string };

/**
 * A request's record before its outcome is known: every field present from the start, numeric ones as
 * doubles (not 0), so the object keeps one shape when the real values land (hot path). `operations` is
 * the MCP operation gate's (lib/mcp/gate.ts), set only for servers with rules or audit.
 */
export function openRecord(
  seq: number,
  server: string,
  method: string,
  path: string,
): RequestLogRecord & { operations?: never[] } {
  return {
    seq,
    atMs: NaN, // set when the response closes, the only time the record is read
    server,
    method,
    path,
    status: 0,
    outcome: "error",
    code: undefined,
    reason: undefined,
    subject: undefined,
    client: undefined,
    fingerprint: undefined,
    durationMs: NaN,
    selftest: false,
    diagnosis: undefined,
    mcpMethod: undefined,
    mcpName: undefined,
    rule: undefined,
    operations: undefined,
  };
}

/**
 * Completes a record when its response closes (status, time, duration since `startedAt`, the upstream's
 * own 5xx, the self-test's mark) and logs it.
 */
export function closeRecord(
  log: RequestLog,
  r: RequestLogRecord,
  status: number,
  startedAt: number,
  socket: { remoteAddress?: string; remotePort?: number },
): void {
  r.atMs = Date.now();
  r.status = status;
  r.durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
  if (status >= 500 && r.outcome !== "error") noteUpstreamStatus(r);
  if (log.selfConnections.size > 0)
    r.selftest = log.selfConnections.has(connectionKey(socket.remoteAddress, socket.remotePort));
  log.push(r);
}

export interface RequestLog {
  push(r: RequestLogRecord): void;
  list(opts?: { server?: string; outcome?: string; limit?: number }): RequestLogEntry[];
  get(id: string): RequestLogEntry | undefined;
  subscribe(fn: (e: RequestLogEntry) => void): () => void;
  /** Per-server counts over the last hour, for the servers list. */
  stats(server: string, sinceMs?: number): RequestStats;
  /**
   * The client ends (`connectionKey`) of the connections the gateway's self-test holds open to it: the proxy
   * marks their requests. Only this process can hold those ends, so the mark cannot be forged.
   */
  readonly selfConnections: Set<string>;
}

/** "address:port" of one end of a TCP connection (IPv4-mapped IPv6 addresses written as IPv4). */
export const connectionKey = (address: string | undefined, port: number | undefined) =>
  `${(address ?? "").replace(/^::ffff:/, "")}:${port}`;

/** Rejections are the gateway saying no; failures are 5xx answers (the upstream's own, or the gateway's 502/504). */
export type RequestStats = {
  requests: number;
  rejections: number;
  lastRejection?: RequestLogEntry;
  failures: number;
  lastFailure?: RequestLogEntry;
};

const isFailure = (status: number, outcome: string | undefined) => status >= 500 || outcome === "error";

/** A 5xx the upstream answered itself (the gateway relayed it): say so in the log. */
export function noteUpstreamStatus(r: RequestLogRecord): void {
  r.code ??= "upstream_status";
  r.reason ??= `the upstream answered HTTP ${r.status}`;
}

/** The reason a failed exchange is logged with: the error, and what caused it (the connection error behind a 502). */
export function failureReason(e: Error): string {
  const cause = e.cause as (Error & { code?: string }) | undefined;
  if (!cause) return e.message;
  const what = cause.message || cause.code || String(cause);
  return `${e.message}: ${what}`;
}

// push() writes each of these by name (hot path): a field added here must be added there too.
const STRING_FIELDS = [
  "server",
  "method",
  "path",
  "outcome",
  "code",
  "reason",
  "subject",
  "client",
  "fingerprint",
  "mcpMethod",
  "mcpName",
  "rule",
] as const;
const OPTIONAL_FIELDS = ["code", "reason", "subject", "client", "fingerprint", "mcpMethod", "mcpName", "rule"] as const;
type StringField = (typeof STRING_FIELDS)[number];

export function createRequestLog(capacity = 2000): RequestLog {
  const seq = new Float64Array(capacity);
  const atMs = new Float64Array(capacity);
  const durationMs = new Float64Array(capacity); // NaN: not measured
  const status = new Uint16Array(capacity);
  const selftest = new Uint8Array(capacity);
  const col = (): (string | undefined)[] => new Array(capacity).fill(undefined);
  const strings = Object.fromEntries(STRING_FIELDS.map((f) => [f, col()])) as Record<
    StringField,
    (string | undefined)[]
  >;
  const diagnosis: unknown[] = new Array(capacity).fill(undefined);
  const tags = col(); // undefined: this process
  let next = 0; // slot the next push writes
  let count = 0;
  const listeners = new Set<(e: RequestLogEntry) => void>();

  /** Slot of the i-th newest entry (0 = newest). */
  const slotOf = (i: number) => (next - 1 - i + capacity) % capacity;

  function entryAt(slot: number): RequestLogEntry {
    const e = {
      id: formatRequestId(seq[slot], tags[slot]),
      at: new Date(atMs[slot]).toISOString(),
      server: strings.server[slot]!,
      method: strings.method[slot]!,
      path: strings.path[slot]!,
      status: status[slot],
      outcome: strings.outcome[slot] as RequestOutcome,
    } as RequestLogEntry;
    for (const f of OPTIONAL_FIELDS) {
      const v = strings[f][slot];
      if (v !== undefined) e[f] = v;
    }
    if (!Number.isNaN(durationMs[slot])) e.durationMs = durationMs[slot];
    if (selftest[slot]) e.selftest = true;
    if (diagnosis[slot] !== undefined) e.diagnosis = diagnosis[slot];
    return e;
  }

  return {
    selfConnections: new Set(),
    push(r) {
      const s = next;
      seq[s] = r.seq;
      atMs[s] = r.atMs;
      durationMs[s] = r.durationMs ?? NaN;
      status[s] = r.status;
      selftest[s] = r.selftest ? 1 : 0;
      // Field by field, not a loop over STRING_FIELDS: a computed key per field is a megamorphic access (hot path: every proxied request).
      strings.server[s] = r.server;
      strings.method[s] = r.method;
      strings.path[s] = r.path;
      strings.outcome[s] = r.outcome;
      strings.code[s] = r.code;
      strings.reason[s] = r.reason;
      strings.subject[s] = r.subject;
      strings.client[s] = r.client;
      strings.fingerprint[s] = r.fingerprint;
      strings.mcpMethod[s] = r.mcpMethod;
      strings.mcpName[s] = r.mcpName;
      strings.rule[s] = r.rule;
      diagnosis[s] = r.diagnosis;
      tags[s] = r.tag;
      next = (s + 1) % capacity;
      if (count < capacity) count++;
      if (listeners.size === 0) return;
      const e = entryAt(s);
      for (const fn of listeners) {
        try {
          fn(e);
        } catch {
          /* a broken subscriber must not break the proxy */
        }
      }
    },
    list({ server, outcome, limit = 200 } = {}) {
      const out: RequestLogEntry[] = [];
      for (let i = 0; i < count && out.length < limit; i++) {
        const s = slotOf(i);
        if ((server && strings.server[s] !== server) || (outcome && strings.outcome[s] !== outcome)) continue;
        out.push(entryAt(s));
      }
      return out;
    },
    get(id) {
      const want = splitRequestId(id);
      if (want === undefined) return undefined;
      const own = want.tag === processTag() ? undefined : want.tag;
      for (let i = 0; i < count; i++) {
        const s = slotOf(i);
        if (seq[s] === want.seq && tags[s] === own) return entryAt(s);
      }
      return undefined;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stats(server, sinceMs = 3600_000) {
      const since = Date.now() - sinceMs;
      const out: RequestStats = { requests: 0, rejections: 0, failures: 0 };
      for (let i = 0; i < count; i++) {
        const s = slotOf(i);
        if (atMs[s] < since) break;
        if (strings.server[s] !== server) continue;
        out.requests++;
        if (strings.outcome[s] === "rejected") {
          out.rejections++;
          out.lastRejection ??= entryAt(s);
        } else if (isFailure(status[s], strings.outcome[s])) {
          out.failures++;
          out.lastFailure ??= entryAt(s);
        }
      }
      return out;
    },
  };
}
