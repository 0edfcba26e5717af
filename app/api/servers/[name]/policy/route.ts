import { z } from "zod";
import { saveServerOperations } from "@/lib/policy/save";
import { actorOf, apiHandler, getRuntime, param, readJson } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

/** Replaces the server's `policy`, `rateLimits` and `audit` (each left out: none); the rest is kept. */
export const PUT = apiHandler(async (req, p) =>
  saveServerOperations(getRuntime(), param(p, "name"), await readJson(req, z.unknown(), "policy"), actorOf(req)),
);
