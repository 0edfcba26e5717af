/**
 * The audit trail's write path: records are queued in memory and written in
 * batches off the request path. A full queue drops the record and counts it
 * (a request never waits on the audit); a failed batch goes back to the front
 * of the queue, as far as there is room, and is retried on the next flush.
 * Under load a full batch is written as soon as it is queued, and only full
 * batches: what each batch costs the writer (a message to its thread, a
 * transaction) is paid once per `batchSize` records. The timer writes the
 * rest, so a record waits at most about `flushMs`.
 */
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import type { AuditRecord } from "./record";

export interface AuditStore {
  insertMany(records: AuditRecord[]): Promise<void>;
}

export type AuditQueueStats = {
  queued: number;
  capacity: number;
  written: number;
  dropped: number;
  failedBatches: number;
  lastError?: string;
};

export type AuditQueue = {
  /** False when the queue was full and the record was dropped. */
  push(r: AuditRecord): boolean;
  /** Writes everything queued now (tests, shutdown). */
  flush(): Promise<void>;
  stats(): AuditQueueStats;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
};

/** Batches of 100: larger ones make each write a longer burst on the cores the requests share (docs/performance.md). */
export const AUDIT_DEFAULTS = { capacity: 10_000, batchSize: 100, flushMs: 1000 };

export function createAuditQueue(opts: {
  store: AuditStore;
  capacity?: number;
  batchSize?: number;
  flushMs?: number;
  logger?: Logger;
}): AuditQueue {
  const capacity = opts.capacity ?? AUDIT_DEFAULTS.capacity;
  const batchSize = opts.batchSize ?? AUDIT_DEFAULTS.batchSize;
  let queue: AuditRecord[] = [];
  const stats = { written: 0, dropped: 0, failedBatches: 0, lastError: undefined as string | undefined };
  let flushing: Promise<void> | undefined;
  let soon = false;
  let lastDropWarning = 0;

  /**
   * Writes full batches, and with `whole` also what was queued when it started. Records queued meanwhile
   * wait for a full batch or the next flush: a whole flush that chased them would write, under steady
   * load, one small batch per write for as long as the load lasts.
   */
  async function drain(whole: boolean) {
    let owed = whole ? queue.length : 0;
    while (queue.length > 0 && (owed > 0 || queue.length >= batchSize)) {
      let batch: AuditRecord[];
      if (queue.length <= batchSize) [batch, queue] = [queue, []];
      else batch = queue.splice(0, batchSize);
      owed -= batch.length;
      try {
        await opts.store.insertMany(batch);
        stats.written += batch.length;
      } catch (e) {
        stats.failedBatches++;
        stats.lastError = errorMessage(e);
        const room = Math.max(0, capacity - queue.length);
        stats.dropped += batch.length - Math.min(room, batch.length);
        queue = [...batch.slice(0, room), ...queue];
        opts.logger?.warn(
          { event: "audit_write_failed", err: stats.lastError, queued: queue.length },
          "audit write failed; retrying",
        );
        return;
      }
    }
  }

  const write = (whole: boolean) => (flushing ??= drain(whole).finally(() => (flushing = undefined)));
  /** Everything queued now, once a write in progress (perhaps of full batches only) is done. */
  async function flush() {
    while (flushing) await flushing;
    await write(true);
  }
  const timer = setInterval(() => void flush(), opts.flushMs ?? AUDIT_DEFAULTS.flushMs);
  timer.unref();

  return {
    push(r) {
      if (queue.length >= capacity) {
        stats.dropped++;
        const now = Date.now();
        if (now - lastDropWarning > 10_000) {
          lastDropWarning = now;
          opts.logger?.warn(
            { event: "audit_records_dropped", dropped: stats.dropped, capacity },
            "audit queue full: records dropped",
          );
        }
        return false;
      }
      queue.push(r);
      // A full batch is written without waiting for the timer.
      if (queue.length >= batchSize && !soon && !flushing) {
        soon = true;
        setImmediate(() => {
          soon = false;
          void write(false);
        });
      }
      return true;
    },
    flush,
    stats: () => ({ queued: queue.length, capacity, ...stats }),
    async stop() {
      clearInterval(timer);
      await flush();
      if (queue.length) await flush();
    },
  };
}
