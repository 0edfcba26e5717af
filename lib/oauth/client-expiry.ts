/**
 * Deletes a provider's expired clients (client-lifecycle.ts says which)
 * through the console's deletion path, so the IdP client the gateway
 * registered for one goes too (clients-admin.ts).
 */
import type { ClientAdminDeps } from "./clients-admin";
import { deleteClientEverywhere, IdpCleanupError } from "./clients-admin";
import { expiryCutoffs, type ClientLifecycleStore, type LifecyclePolicy } from "./client-lifecycle";

/** Expired clients swept per provider and pass: the next pass continues. */
export const EXPIRY_BATCH = 200;

export type ExpiryResult = { expired: number; failed: number };

/**
 * Deletes the provider's expired clients, each with its IdP client (deletion path of the console).
 * A client whose IdP client cannot be deleted now stays, for the next pass; the failure is logged.
 */
export async function expireClients(
  deps: ClientAdminDeps & { lifecycle: ClientLifecycleStore },
  providerName: string,
  policy: LifecyclePolicy,
  now: number,
): Promise<ExpiryResult> {
  const cutoffs = expiryCutoffs(policy, now);
  if (!cutoffs.unusedBefore && !cutoffs.idleBefore) return { expired: 0, failed: 0 };
  const ids = await deps.lifecycle.listExpired(providerName, cutoffs, EXPIRY_BATCH);
  const result: ExpiryResult = { expired: 0, failed: 0 };
  for (const id of ids) {
    const client = await deps.store.getClient(id);
    if (!client || client.providerName !== providerName) continue;
    try {
      if (await deleteClientEverywhere(deps, client, { actor: "system:client-expiry" })) result.expired++;
    } catch (e) {
      if (!(e instanceof IdpCleanupError)) throw e;
      result.failed++;
    }
  }
  if (result.expired || result.failed)
    deps.logger?.info({ provider: providerName, ...result }, "expired facade clients swept");
  return result;
}
