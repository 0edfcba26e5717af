import { serverActivity } from "@/lib/status/gateway-status";
import { apiHandler, getRuntime } from "../_lib/handler";

export const dynamic = "force-dynamic";

/** Requests and rejections in the last hour per server (with the last rejection), and the gateway's public URL. */
export const GET = apiHandler(() => {
  const rt = getRuntime();
  return {
    gateway: { publicUrl: rt.env.PUBLIC_URL ?? null, startedAt: new Date(rt.startedAt).toISOString() },
    servers: serverActivity(rt.requestLog, rt.config.current().servers.keys()),
  };
});
