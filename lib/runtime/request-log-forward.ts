/**
 * The request log of a worker process (PORTCULLIS_WORKERS > 1): records are batched and sent to the
 * primary, whose log the console reads, so the live log covers every worker. A batch leaves every
 * `flushMs` or at `maxBatch` records, whichever comes first: one IPC message per batch, not per request.
 * The worker keeps nothing itself (its list and get answer empty).
 */
import { processTag } from "../http/request-id";
import type { RequestLog, RequestLogRecord } from "./request-log";

const KIND = "portcullis:requests";
export type ForwardedRequests = { kind: typeof KIND; tag: string; records: RequestLogRecord[] };

/** `flush()` resolves once the batch was handed to the IPC channel (await it before exiting). */
export type ForwardingRequestLog = RequestLog & { flush(): Promise<void> };

export function createForwardingRequestLog(
  send: (batch: ForwardedRequests) => Promise<void> | void,
  { flushMs = 100, maxBatch = 500 }: { flushMs?: number; maxBatch?: number } = {},
): ForwardingRequestLog {
  let batch: RequestLogRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    try {
      await send({ kind: KIND, tag: processTag(), records });
    } catch {
      /* the primary is gone: the process is shutting down */
    }
  };
  return {
    push(r) {
      batch.push(r);
      if (batch.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushMs);
        timer.unref();
      }
    },
    flush,
    list: () => [],
    get: () => undefined,
    subscribe: () => () => {},
    stats: () => ({ requests: 0, rejections: 0, failures: 0 }),
    // The self-test runs in the primary: its connections are not this process's to recognise, the
    // primary tells them by the client end noted in the record.
    selfConnections: new Set(),
    forwardsPeers: true,
  };
}

export function isForwardedRequests(m: unknown): m is ForwardedRequests {
  return (
    typeof m === "object" &&
    m !== null &&
    (m as ForwardedRequests).kind === KIND &&
    typeof (m as ForwardedRequests).tag === "string" &&
    Array.isArray((m as ForwardedRequests).records)
  );
}

/**
 * Adds a worker's batch to this process's log (IPC turned NaN into null and dropped undefined fields),
 * marking the requests of this process's self-test.
 */
export function receiveForwarded(log: RequestLog, m: ForwardedRequests): void {
  for (const r of m.records)
    log.push({
      ...r,
      durationMs: r.durationMs ?? undefined,
      tag: m.tag,
      selftest: r.selftest || (r.peer !== undefined && log.selfConnections.has(r.peer)),
    });
}

/** How long the primary remembers a self-test connection after it closed: its records arrive a batch later. */
const SELF_CONNECTION_LINGER_MS = 10_000;

/**
 * The primary's self-test connections (`RequestLog.selfConnections`): an end stays known a while after
 * its connection closed, until the worker that served it has forwarded the records. A new connection
 * from the same end (the port reused meanwhile) cancels the old one's pending removal.
 */
export class LingeringSet extends Set<string> {
  /** Pending removals (made empty: the set is never constructed with values, which would add before this). */
  private readonly removals = new Map<string, NodeJS.Timeout>();

  override add(key: string): this {
    clearTimeout(this.removals.get(key));
    this.removals.delete(key);
    return super.add(key);
  }

  override delete(key: string): boolean {
    if (!this.has(key)) return false;
    if (this.removals.has(key)) return true; // already leaving
    const timer = setTimeout(() => {
      this.removals.delete(key);
      super.delete(key);
    }, SELF_CONNECTION_LINGER_MS);
    timer.unref();
    this.removals.set(key, timer);
    return true;
  }
}
