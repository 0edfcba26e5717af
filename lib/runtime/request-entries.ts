/**
 * Request-log entries as the console lists and streams them: everything but
 * the (large) diagnosis, which is fetched on demand by id.
 */
import type { RequestLog, RequestLogEntry } from "./request-log";

export type LogEntrySummary = Omit<RequestLogEntry, "diagnosis"> & { hasDiagnosis: boolean };
export type LogFilter = { server?: string; outcome?: string };

export function summarize(e: RequestLogEntry): LogEntrySummary {
  const { diagnosis, ...rest } = e;
  return { ...rest, hasDiagnosis: diagnosis !== undefined && diagnosis !== null };
}

export const matches = (e: RequestLogEntry, f: LogFilter) =>
  (!f.server || e.server === f.server) && (!f.outcome || e.outcome === f.outcome);

export function filterFrom(url: URL): LogFilter {
  const clean = (v: string | null) => (v && /^[a-z0-9-]{1,63}$/.test(v) ? v : undefined);
  return { server: clean(url.searchParams.get("server")), outcome: clean(url.searchParams.get("outcome")) };
}

/** An SSE stream of new entries (after a `snapshot` of recent ones), with heartbeats; unsubscribes on abort. */
export function requestLogStream(
  log: RequestLog,
  filter: LogFilter,
  signal: AbortSignal,
  heartbeatMs = 15_000,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (chunk: string) => {
        try {
          controller.enqueue(enc.encode(chunk));
        } catch {
          stop();
        }
      };
      const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      write("retry: 3000\n\n");
      send("snapshot", log.list({ ...filter, limit: 200 }).map(summarize));
      const unsubscribe = log.subscribe((e) => {
        if (matches(e, filter)) send("entry", summarize(e));
      });
      const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), heartbeatMs);
      let stopped = false;
      stop = () => {
        if (stopped) return;
        stopped = true;
        unsubscribe();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      if (signal.aborted) stop();
      signal.addEventListener("abort", stop, { once: true });
    },
    cancel() {
      stop();
    },
  });
}
