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
  /** The pipeline's diagnosis (JSON-safe), for "open in inspector". */
  diagnosis?: unknown;
};

/**
 * What the proxy records: the entry with its id as a sequence number and its time in epoch ms. `tag` is
 * the issuing process's id prefix, set on entries forwarded by worker processes (absent: this process).
 */
export type RequestLogRecord = Omit<RequestLogEntry, "id" | "at"> & { seq: number; atMs: number; tag?: string };

export interface RequestLog {
  push(r: RequestLogRecord): void;
  list(opts?: { server?: string; outcome?: string; limit?: number }): RequestLogEntry[];
  get(id: string): RequestLogEntry | undefined;
  subscribe(fn: (e: RequestLogEntry) => void): () => void;
  /** Per-server counts over the last hour, for the servers list. */
  stats(server: string, sinceMs?: number): { requests: number; rejections: number; lastRejection?: RequestLogEntry };
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
] as const;
const OPTIONAL_FIELDS = ["code", "reason", "subject", "client", "fingerprint"] as const;
type StringField = (typeof STRING_FIELDS)[number];

export function createRequestLog(capacity = 2000): RequestLog {
  const seq = new Float64Array(capacity);
  const atMs = new Float64Array(capacity);
  const durationMs = new Float64Array(capacity); // NaN: not measured
  const status = new Uint16Array(capacity);
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
    if (diagnosis[slot] !== undefined) e.diagnosis = diagnosis[slot];
    return e;
  }

  return {
    push(r) {
      const s = next;
      seq[s] = r.seq;
      atMs[s] = r.atMs;
      durationMs[s] = r.durationMs ?? NaN;
      status[s] = r.status;
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
      let requests = 0;
      let rejections = 0;
      let lastRejection: RequestLogEntry | undefined;
      for (let i = 0; i < count; i++) {
        const s = slotOf(i);
        if (atMs[s] < since) break;
        if (strings.server[s] !== server) continue;
        requests++;
        if (strings.outcome[s] === "rejected") {
          rejections++;
          lastRejection ??= entryAt(s);
        }
      }
      return { requests, rejections, lastRejection };
    },
  };
}
