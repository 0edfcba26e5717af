import { z } from "zod";
import { inspectToken } from "@/lib/inspect";
import { slugSchema } from "@/lib/config/schema";
import { apiHandler, getRuntime, readJson } from "../_lib/handler";

export const dynamic = "force-dynamic";

// The token arrives in the body only (never a URL), is not stored and is never logged.
const inspectSchema = z.strictObject({
  token: z
    .string()
    .trim()
    .min(1, "paste a token")
    .max(16 * 1024, "is longer than 16 KiB"),
  server: slugSchema.optional(),
});

/** Runs the proxy's verification pipeline on a pasted token: every check, expected vs actual, and fixes. */
export const POST = apiHandler(async (req) => {
  const body = await readJson(req, inspectSchema, "inspection", 64 * 1024);
  // The console's own address stands in for "the request's URL" (PUBLIC_URL and public URLs come first anyway).
  const host = req.headers.get("host");
  const requestBase = host ? new URL(`http://${host}`) : undefined;
  return inspectToken(getRuntime(), { token: body.token, server: body.server, requestBase });
});
