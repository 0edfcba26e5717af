import { z } from "zod";
import { runSelftest } from "@/lib/selftest";
import { selftestTarget } from "@/lib/selftest/target";
import { apiHandler, getRuntime, param, readJson } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({ publicBase: z.string().max(2048).optional() });

/** Replays an MCP client's discovery against this server; returns the checklist and the first broken step. */
export const POST = apiHandler(async (req, p) => {
  const { publicBase } = await readJson(req, bodySchema, "self-test");
  const host = req.headers.get("host") ?? "localhost";
  const target = selftestTarget(getRuntime(), param(p, "name"), `http://${host}`, publicBase);
  return { ...(await runSelftest(target)), bases: target.bases };
});
