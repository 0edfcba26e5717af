import { z } from "zod";
import { deleteEntity, getEntity, saveEntity } from "@/lib/config/service";
import { actorOf, apiHandler, getRuntime, param, readJson } from "../../_lib/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler((_req, p) => getEntity(getRuntime(), "server", param(p, "name")));

/** Replaces the server; write-only secrets left out keep their stored value, null clears them. */
export const PUT = apiHandler(async (req, p) =>
  saveEntity(getRuntime(), "server", await readJson(req, z.unknown(), "server"), {
    actor: actorOf(req),
    name: param(p, "name"),
  }),
);

export const DELETE = apiHandler(async (req, p) => {
  await deleteEntity(getRuntime(), "server", param(p, "name"), actorOf(req));
  return null;
});
