/**
 * The live request log: the proxy's latest decisions, kept in memory (a ring
 * buffer) and pushed to subscribers (the console's SSE stream). Entries carry a
 * token fingerprint and the diagnosis, never the token.
 */
export type RequestLogEntry = {
  id: string;
  at: string;
  server: string;
  method: string;
  path: string;
  status: number;
  outcome: "accepted" | "rejected" | "unauthenticated" | "permissive" | "passthrough" | "error";
  code?: string;
  reason?: string;
  subject?: string;
  client?: string;
  fingerprint?: string;
  durationMs?: number;
  /** The pipeline's diagnosis (JSON-safe), for "open in inspector". */
  diagnosis?: unknown;
};

export interface RequestLog {
  push(e: RequestLogEntry): void;
  list(opts?: { server?: string; outcome?: string; limit?: number }): RequestLogEntry[];
  get(id: string): RequestLogEntry | undefined;
  subscribe(fn: (e: RequestLogEntry) => void): () => void;
  /** Per-server counts over the last hour, for the servers list. */
  stats(server: string, sinceMs?: number): { requests: number; rejections: number; lastRejection?: RequestLogEntry };
}

export function createRequestLog(capacity = 2000): RequestLog {
  // A fixed ring: `start` is the oldest entry once full. (Array#shift would move 2,000 slots per request.)
  const slots: (RequestLogEntry | undefined)[] = new Array(capacity);
  let start = 0;
  let count = 0;
  const at = (i: number) => slots[(start + i) % capacity]!; // i-th oldest
  const byId = new Map<string, RequestLogEntry>();
  const listeners = new Set<(e: RequestLogEntry) => void>();
  return {
    push(e) {
      if (count === capacity) {
        byId.delete(slots[start]!.id);
        slots[start] = e;
        start = (start + 1) % capacity;
      } else {
        slots[(start + count) % capacity] = e;
        count++;
      }
      byId.set(e.id, e);
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
      for (let i = count - 1; i >= 0 && out.length < limit; i--) {
        const e = at(i);
        if ((server && e.server !== server) || (outcome && e.outcome !== outcome)) continue;
        out.push(e);
      }
      return out;
    },
    get: (id) => byId.get(id),
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stats(server, sinceMs = 3600_000) {
      const since = Date.now() - sinceMs;
      let requests = 0;
      let rejections = 0;
      let lastRejection: RequestLogEntry | undefined;
      for (let i = count - 1; i >= 0; i--) {
        const e = at(i);
        if (Date.parse(e.at) < since) break;
        if (e.server !== server) continue;
        requests++;
        if (e.outcome === "rejected") {
          rejections++;
          lastRejection ??= e;
        }
      }
      return { requests, rejections, lastRejection };
    },
  };
}
