import { serverActivity, type GatewayStatus } from "@/lib/status/gateway-status";
import { apiHandler, getRuntime } from "../_lib/handler";

export const dynamic = "force-dynamic";

/**
 * Requests and rejections in the last hour per server (with the last rejection), the gateway's public URL,
 * and the database's health (answered from memory: it works while the database is down).
 */
export const GET = apiHandler((): GatewayStatus => {
  const rt = getRuntime();
  const db = rt.config.database();
  return {
    gateway: {
      publicUrl: rt.env.PUBLIC_URL ?? null,
      startedAt: new Date(rt.startedAt).toISOString(),
      configVersion: rt.config.current().version,
      draining: rt.serving.draining,
    },
    database: {
      ok: db.ok,
      since: new Date(db.since).toISOString(),
      checkedAt: new Date(db.checkedAt).toISOString(),
      ...(db.error ? { error: db.error } : {}),
    },
    servers: serverActivity(rt.requestLog, rt.config.current().servers.keys()),
  };
});
