import type { RequestLog } from "../runtime/request-log";
import type { Metrics } from "./metrics";

/**
 * The request log, counting every record this process served (the MCP request and upstream error
 * metrics). A record forwarded by a worker (`tag` set) was counted there: the cluster's `/metrics`
 * adds the workers' counts up (cluster.ts).
 */
export function withRequestMetrics(log: RequestLog, metrics: Metrics): RequestLog {
  return {
    ...log,
    push(r) {
      if (r.tag === undefined) metrics.request(r);
      log.push(r);
    },
  };
}
