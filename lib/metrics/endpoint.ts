/**
 * `GET /metrics`: Prometheus text format, for an admin (the `ADMIN_TOKEN`
 * bearer a scraper sends, or a console session). Where the text comes from is
 * a `MetricsSource`: this process's registry, or in a cluster the primary's
 * aggregate of every worker (cluster.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { authenticateAdmin } from "../admin/auth";
import type { AdminRepo } from "../db/admin-repo";
import { AppError, errorMessage } from "../errors";
import { sendError } from "../http/respond";
import type { Logger } from "../log";

export type MetricsSource = { contentType: string; metrics(): Promise<string> };

export const localSource = (registry: Registry): MetricsSource => ({
  contentType: registry.contentType,
  metrics: () => registry.metrics(),
});

export type MetricsRouteDeps = {
  source: MetricsSource;
  admin: AdminRepo;
  adminToken?: string;
  logger: Pick<Logger, "error">;
};

export function createMetricsRoute(deps: MetricsRouteDeps) {
  return async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendError(res, new AppError("bad_request", "use GET /metrics"), { allow: "GET, HEAD" });
    }
    if (!(await authenticateAdmin(req.headers, deps))) {
      return sendError(
        res,
        new AppError("unauthorized", "admin authentication required (Authorization: Bearer <ADMIN_TOKEN>)"),
        { "www-authenticate": 'Bearer realm="portcullis-admin"' },
      );
    }
    let text: string;
    try {
      text = await deps.source.metrics();
    } catch (e) {
      deps.logger.error({ err: errorMessage(e) }, "collecting metrics failed");
      return sendError(res, new AppError("internal", "collecting metrics failed"));
    }
    res.writeHead(200, {
      "content-type": deps.source.contentType,
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : text);
  };
}
