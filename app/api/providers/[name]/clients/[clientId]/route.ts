import { clientAdminDeps, deleteFacadeClient, keepIdpClientsParam } from "@/lib/oauth/clients-admin";
import { actorOf, apiHandler, getRuntime, param } from "../../../../_lib/handler";

export const dynamic = "force-dynamic";

/**
 * Deletes the client with its consents and pending authorizations (audited), and the client
 * the gateway registered for it at the IdP unless `?idp=keep`. Tokens already issued stay valid until they expire.
 */
export const DELETE = apiHandler(async (req, p) => {
  const keepIdpClients = keepIdpClientsParam(new URL(req.url).searchParams.get("idp"));
  return deleteFacadeClient(clientAdminDeps(getRuntime()), param(p, "name"), param(p, "clientId"), {
    actor: actorOf(req),
    keepIdpClients,
  });
});
