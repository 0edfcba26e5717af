import { z } from "zod";
import { deleteEntity, getEntity, saveEntity } from "@/lib/config/service";
import { actorOf, apiHandler, getRuntime, param, readJson } from "../../_lib/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler((_req, p) => getEntity(getRuntime(), "provider", param(p, "name")));

/** Replaces the provider; write-only secrets left out keep their stored value, null clears them. */
export const PUT = apiHandler(async (req, p) =>
  saveEntity(getRuntime(), "provider", await readJson(req, z.unknown(), "provider"), { actor: actorOf(req), name: param(p, "name") }),
);

export const DELETE = apiHandler(async (req, p) => {
  await deleteEntity(getRuntime(), "provider", param(p, "name"), actorOf(req));
  return null;
});
