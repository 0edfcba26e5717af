import { clientAdminDeps, deleteFacadeClient } from "@/lib/oauth/clients-admin";
import { actorOf, apiHandler, getRuntime, param } from "../../../../_lib/handler";

export const dynamic = "force-dynamic";

/** Deletes the client with its consents and pending authorizations (audited). Its tokens already issued stay valid until they expire. */
export const DELETE = apiHandler(async (req, p) => {
  await deleteFacadeClient(clientAdminDeps(getRuntime()), param(p, "name"), param(p, "clientId"), actorOf(req));
  return null;
});
