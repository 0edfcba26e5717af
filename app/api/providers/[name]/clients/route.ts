import { clientAdminDeps, listFacadeClients } from "@/lib/oauth/clients-admin";
import { apiHandler, getRuntime, param } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

/** Clients registered at this provider's facade (DCR / client-ID metadata), newest first; never any secret. */
export const GET = apiHandler((_req, p) => listFacadeClients(clientAdminDeps(getRuntime()), param(p, "name")));
