import { checkOperation, operationCheckSchema } from "@/lib/inspect/operation";
import { apiHandler, getRuntime, readJson } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/** May this token make this MCP operation on this server? The token arrives in the body only and is never stored. */
export const POST = apiHandler(async (req) => {
  const body = await readJson(req, operationCheckSchema, "operation check", 64 * 1024);
  const host = req.headers.get("host");
  return checkOperation(getRuntime(), body, host ? new URL(`http://${host}`) : undefined);
});
