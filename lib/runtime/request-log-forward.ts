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
    // The self-test runs in the primary: its connections are not this process's to recognise.
    selfConnections: new Set(),
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

/** Adds a worker's batch to this process's log (IPC turned NaN into null and dropped undefined fields). */
export function receiveForwarded(log: RequestLog, m: ForwardedRequests): void {
  for (const r of m.records) log.push({ ...r, durationMs: r.durationMs ?? undefined, tag: m.tag });
}
