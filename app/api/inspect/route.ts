import { inspectToken } from "@/lib/inspect";
import { inspectRequestSchema } from "@/lib/inspect/request";
import { apiHandler, getRuntime, readJson } from "../_lib/handler";

export const dynamic = "force-dynamic";

/** Runs the proxy's verification pipeline on a pasted token: every check, expected vs actual, and fixes. */
export const POST = apiHandler(async (req) => {
  const body = await readJson(req, inspectRequestSchema, "inspection", 64 * 1024);
  // The console's own address stands in for "the request's URL" (PUBLIC_URL and public URLs come first anyway).
  const host = req.headers.get("host");
  const requestBase = host ? new URL(`http://${host}`) : undefined;
  return inspectToken(getRuntime(), { token: body.token, server: body.server, requestBase });
});
