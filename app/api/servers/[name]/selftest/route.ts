import { z } from "zod";
import { runSelftest } from "@/lib/selftest";
import { selftestTarget } from "@/lib/selftest/target";
import { apiHandler, getRuntime, param, readJson } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

// The token arrives in the body only (never a URL), is not stored and is never logged.
const bodySchema = z.strictObject({
  publicBase: z.string().max(2048).optional(),
  token: z
    .string()
    .trim()
    .max(16 * 1024, "is longer than 16 KiB")
    .transform((t) => t.replace(/^Bearer\s+/i, "") || undefined)
    .optional(),
});

/**
 * Replays an MCP client against this server: discovery, the upstream, and with a token its verdict and one
 * MCP request through the gateway. Returns the checklist and the first broken step.
 */
export const POST = apiHandler(async (req, p) => {
  const { publicBase, token } = await readJson(req, bodySchema, "self-test", 64 * 1024);
  const host = req.headers.get("host") ?? "localhost";
  const target = selftestTarget(getRuntime(), param(p, "name"), `http://${host}`, publicBase, token);
  return { ...(await runSelftest(target)), bases: target.bases };
});
