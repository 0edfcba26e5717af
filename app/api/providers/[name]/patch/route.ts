import { z } from "zod";
import { patchEntity } from "@/lib/config/service";
import { actorOf, apiHandler, getRuntime, param, readJson } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

/** A one-click fix: `{ "set": { "dotted.path": value }, "append": { "list.path": value } }`. */
export const POST = apiHandler(async (req, p) =>
  patchEntity(getRuntime(), "provider", param(p, "name"), await readJson(req, z.unknown(), "patch"), actorOf(req)),
);
