/**
 * Rate limits on MCP traffic: token buckets kept in this process, so a
 * request never waits on the database. With a shared store (PostgreSQL,
 * several replicas), each replica reports what it admitted every `syncMs`
 * and takes back the bucket as every replica together left it
 * (docs/policy.md § Rate limits states the tolerance this gives):
 *
 *   admitted ≤ exact limit + (replicas − 1) × (capacity + refillPerSecond × sync interval)
 *
 * One replica, or no shared store, is exact. A failed sync keeps the local
 * buckets (each replica then limits on its own) and is retried next time.
 */
import type { Logger } from "../log";
import { errorMessage } from "../errors";
import { intervalMs, takeTokens, type BucketSpec } from "./bucket";

/**
 * Where replicas add up what they admitted: for each key, tat = max(tat, now) + added ms; returns the new tats.
 * Rejects with SyncUnanswered when the entries were handed over and will be added, but no answer came in time.
 */
export interface SharedBuckets {
  add(entries: ReadonlyArray<{ key: string; addMs: number }>, now: number): Promise<Map<string, number>>;
}

/**
 * A sync sent over an ordered channel whose answer is late (a busy cluster primary): what it carried will still be
 * added, so the limiter counts a failed sync but does not report the same entries again, which would add them twice.
 */
export class SyncUnanswered extends Error {
  readonly code = "sync_unanswered";
}

type Local = {
  tat: number;
  /** Admitted here since the last report, in ms of bucket time. */
  pendingMs: number;
  /** Asked for since the last sync (refreshed from the shared store even when full). */
  touched: boolean;
};

export type RateLimiterStats = { keys: number; syncs: number; syncFailures: number; lastSyncError?: string };

export type McpRateLimiter = {
  /** 0 when allowed (counted), else the wait in ms before the caller may retry. */
  take(key: string, spec: BucketSpec, n?: number): number;
  /** Reports to the shared store now (tests, shutdown). */
  sync(): Promise<void>;
  stats(): RateLimiterStats;
  stop(): Promise<void>;
};

export const DEFAULT_SYNC_MS = 1000;
const MAX_KEYS = 100_000;

export function createMcpRateLimiter(
  opts: { shared?: SharedBuckets; syncMs?: number; now?: () => number; logger?: Logger; maxKeys?: number } = {},
): McpRateLimiter {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? MAX_KEYS;
  const buckets = new Map<string, Local>();
  const stats: RateLimiterStats = { keys: 0, syncs: 0, syncFailures: 0 };
  let syncing: Promise<void> | undefined;

  async function runSync() {
    const t = now();
    const batch: { key: string; addMs: number; local: Local }[] = [];
    for (const [key, b] of buckets) {
      // Every bucket that is not full is refreshed, so a caller this replica saw before meets what the
      // other replicas spent since, not a view as old as its own last request.
      if (b.touched || b.pendingMs > 0 || b.tat > t) {
        batch.push({ key, addMs: b.pendingMs, local: b });
        b.pendingMs = 0;
        b.touched = false;
      } else if (b.tat <= t) buckets.delete(key); // full and idle: the same as no bucket
    }
    if (buckets.size > maxKeys)
      for (const key of [...buckets.keys()].slice(0, buckets.size - maxKeys)) buckets.delete(key);
    if (!opts.shared || batch.length === 0) return;
    try {
      const tats = await opts.shared.add(batch, t);
      stats.syncs++;
      for (const e of batch) {
        const shared = tats.get(e.key);
        // What every replica admitted, plus what this one admitted while the report was in flight.
        if (shared !== undefined) e.local.tat = Math.max(e.local.tat, shared + e.local.pendingMs);
      }
    } catch (e) {
      // Not added: report it again next time (unless it is on its way, SyncUnanswered).
      if (!(e instanceof SyncUnanswered)) for (const x of batch) x.local.pendingMs += x.addMs;
      stats.syncFailures++;
      stats.lastSyncError = errorMessage(e);
      opts.logger?.warn(
        { event: "rate_limit_sync_failed", err: stats.lastSyncError },
        "rate-limit sync failed; limiting per replica until it recovers",
      );
    }
  }

  const sync = () => (syncing ??= runSync().finally(() => (syncing = undefined)));
  const timer = setInterval(() => void sync(), opts.syncMs ?? DEFAULT_SYNC_MS);
  timer.unref();

  return {
    take(key, spec, n = 1) {
      let b = buckets.get(key);
      if (b === undefined) {
        b = { tat: 0, pendingMs: 0, touched: true };
        buckets.set(key, b);
      }
      b.touched = true;
      const wait = takeTokens(b, spec, now(), n);
      if (wait === 0) b.pendingMs += n * intervalMs(spec);
      return wait;
    },
    sync,
    stats: () => ({ ...stats, keys: buckets.size }),
    async stop() {
      clearInterval(timer);
      await sync();
    },
  };
}
