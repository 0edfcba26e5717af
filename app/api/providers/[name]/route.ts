import { z } from "zod";
import { deleteEntity, getEntity, saveEntity } from "@/lib/config/service";
import type { ProviderClientsCleanup } from "@/lib/oauth/cleanup-counts";
import { clientAdminDeps, deleteProviderIdpClients, keepIdpClientsParam } from "@/lib/oauth/clients-admin";
import { actorOf, apiHandler, getRuntime, param, readJson } from "../../_lib/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler((_req, p) => getEntity(getRuntime(), "provider", param(p, "name")));

/** Replaces the provider; write-only secrets left out keep their stored value, null clears them. */
export const PUT = apiHandler(async (req, p) =>
  saveEntity(getRuntime(), "provider", await readJson(req, z.unknown(), "provider"), {
    actor: actorOf(req),
    name: param(p, "name"),
  }),
);

/**
 * Deletes the provider with its facade clients. The clients the gateway registered for them at
 * the IdP are deleted there first, unless `?idp=keep`; if the IdP fails, the provider stays (502).
 */
export const DELETE = apiHandler(async (req, p) => {
  const name = param(p, "name");
  const actor = actorOf(req);
  const keepIdpClients = keepIdpClientsParam(new URL(req.url).searchParams.get("idp"));
  const runtime = getRuntime();
  let idpClients: ProviderClientsCleanup | undefined;
  await deleteEntity(runtime, "provider", name, actor, {
    before: async () => {
      idpClients = await deleteProviderIdpClients(clientAdminDeps(runtime), name, { actor, keepIdpClients });
    },
  });
  return { deleted: name, idpClients };
});
