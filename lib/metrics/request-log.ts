import type { RequestLog } from "../runtime/request-log";
import type { Metrics } from "./metrics";

/** The request log, counting every record it is given (the MCP request and upstream error metrics). */
export function withRequestMetrics(log: RequestLog, metrics: Metrics): RequestLog {
  return {
    ...log,
    push(r) {
      metrics.request(r);
      log.push(r);
    },
  };
}
