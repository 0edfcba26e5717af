import { clientAdminDeps, deleteFacadeClient, keepUpstreamParam } from "@/lib/oauth/clients-admin";
import { actorOf, apiHandler, getRuntime, param } from "../../../../_lib/handler";

export const dynamic = "force-dynamic";

/**
 * Deletes the client with its consents and pending authorizations (audited), and the upstream client
 * the gateway registered for it at the IdP unless `?upstream=keep`. Tokens already issued stay valid until they expire.
 */
export const DELETE = apiHandler(async (req, p) => {
  const keepUpstream = keepUpstreamParam(new URL(req.url).searchParams.get("upstream"));
  return deleteFacadeClient(clientAdminDeps(getRuntime()), param(p, "name"), param(p, "clientId"), { actor: actorOf(req), keepUpstream });
});
