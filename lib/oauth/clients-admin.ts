/**
 * Admin view of the clients registered at a provider's facade (through DCR or
 * client-ID metadata documents): list them, and delete one that is no longer
 * wanted. What is returned never includes a secret: only whether the client
 * has one, and the id of the upstream client the gateway registered for it.
 */
import { createOAuthRepo } from "../db/oauth-repo";
import { AppError } from "../errors";
import type { Runtime } from "../runtime/types";
import type { OAuthClientRecord, OAuthStore } from "./store";

/** The newest this many are listed (with the total): a console page, not an export. A provider may hold up to DEFAULT_LIMITS.maxClientsPerProvider. */
export const MAX_LISTED_CLIENTS = 500;

export type FacadeClientView = {
  clientId: string;
  clientName: string | null;
  redirectUris: string[];
  tokenEndpointAuthMethod: string;
  hasSecret: boolean;
  /** The client the gateway registered at the IdP for this one, if any (it is not deleted at the IdP). */
  upstreamClientId: string | null;
  createdAt: string;
};

export type ClientAdminDeps = { store: OAuthStore; providerExists(name: string): boolean };

/** The database-backed store (stateless, like the facade's) and the running config snapshot. */
export function clientAdminDeps(runtime: Runtime): ClientAdminDeps {
  return { store: createOAuthRepo(runtime.db), providerExists: (name) => runtime.config.current().providers.has(name) };
}

export async function listFacadeClients(deps: ClientAdminDeps, provider: string): Promise<{ clients: FacadeClientView[]; total: number }> {
  assertProvider(deps, provider);
  const [rows, total] = await Promise.all([deps.store.listClients(provider, MAX_LISTED_CLIENTS), deps.store.countClients(provider)]);
  return { clients: rows.map(view), total };
}

export async function deleteFacadeClient(deps: ClientAdminDeps, provider: string, clientId: string, actor: string): Promise<void> {
  assertProvider(deps, provider);
  if (!(await deps.store.deleteClient(provider, clientId, { actor }))) {
    throw new AppError("not_found", `provider "${provider}" has no registered client "${clientId}"`);
  }
}

function assertProvider(deps: ClientAdminDeps, provider: string) {
  if (!deps.providerExists(provider)) throw new AppError("not_found", `provider "${provider}" does not exist`);
}

const view = (c: OAuthClientRecord): FacadeClientView => ({
  clientId: c.clientId,
  clientName: c.clientName ?? null,
  redirectUris: c.redirectUris,
  tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
  hasSecret: c.clientSecretHash !== undefined,
  upstreamClientId: c.upstreamClientId ?? null,
  createdAt: c.createdAt.toISOString(),
});
