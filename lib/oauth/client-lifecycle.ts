/**
 * The lifecycle of the facade's clients (DCR registrations and clients known by
 * a metadata document): when one was last used (a token issued to it), when it
 * expires (never used within the provider's `expireUnusedAfter`, or idle for
 * `expireIdleAfter`), which count as live (the per-provider cap), and the key
 * under which identical public-client registrations are de-duplicated.
 * Expired clients are deleted through the console's deletion path, so the IdP
 * client the gateway registered for one goes too (clients-admin.ts).
 */
import { sha256 } from "../admin/tokens";
import type { ProviderConfig } from "../config/schema";
import { durationSeconds } from "../config/schema";
import type { ClientAdminDeps } from "./clients-admin";
import { deleteClientEverywhere, IdpCleanupError } from "./clients-admin";

export type LifecyclePolicy = { unusedMs: number | null; idleMs: number | null; deduplicate: boolean };

export function lifecyclePolicyOf(provider: Pick<ProviderConfig, "clientRegistrations">): LifecyclePolicy {
  const c = provider.clientRegistrations;
  const ms = (v: string | undefined, fallback: string) => {
    const s = durationSeconds(v ?? fallback);
    return s === null ? null : s * 1000;
  };
  return {
    unusedMs: ms(c?.expireUnusedAfter, "72h"),
    idleMs: ms(c?.expireIdleAfter, "90d"),
    deduplicate: c?.deduplicate ?? false,
  };
}

/** A client is expired when created before `unusedBefore` and never used, or last used before `idleBefore`. */
export type ExpiryCutoffs = { unusedBefore?: Date; idleBefore?: Date };

export function expiryCutoffs(policy: LifecyclePolicy, now: number): ExpiryCutoffs {
  return {
    unusedBefore: policy.unusedMs === null ? undefined : new Date(now - policy.unusedMs),
    idleBefore: policy.idleMs === null ? undefined : new Date(now - policy.idleMs),
  };
}

export type ClientUse = { clientId: string; createdAt: Date; lastUsedAt: Date | null };

export interface ClientLifecycleStore {
  /** Records that a token was issued to the client. */
  markUsed(clientId: string, at: Date): Promise<void>;
  /** Clients that are not expired under these cutoffs (what the registration cap counts). */
  countLive(providerName: string, cutoffs: ExpiryCutoffs): Promise<number>;
  /** Ids of expired clients, oldest first, at most `limit`. */
  listExpired(providerName: string, cutoffs: ExpiryCutoffs, limit: number): Promise<string[]>;
  /** A live client registered with this de-duplication key, if any. */
  findLiveByRegistrationKey(providerName: string, key: string, cutoffs: ExpiryCutoffs): Promise<string | undefined>;
  setRegistrationKey(clientId: string, key: string): Promise<void>;
  /** Creation and last use of these clients (console). */
  uses(clientIds: readonly string[]): Promise<ClientUse[]>;
  /** Counts for the console: all, never used, expired (not yet swept). */
  counts(providerName: string, cutoffs: ExpiryCutoffs): Promise<{ total: number; neverUsed: number; expired: number }>;
}

/** Is this use record expired under the cutoffs? (The repository's query says the same.) */
export function isExpired(u: Pick<ClientUse, "createdAt" | "lastUsedAt">, c: ExpiryCutoffs): boolean {
  if (u.lastUsedAt === null) return c.unusedBefore !== undefined && u.createdAt < c.unusedBefore;
  return c.idleBefore !== undefined && u.lastUsedAt < c.idleBefore;
}

/**
 * The de-duplication key of a public client's registered metadata: identical registrations from the
 * same software (software_id, else client_name) share it. Confidential clients are never merged.
 */
export function registrationKey(metadata: Record<string, unknown>): string | undefined {
  if (metadata.token_endpoint_auth_method !== "none") return undefined;
  const canonical = Object.keys(metadata)
    .sort()
    .map((k) => {
      const v = metadata[k];
      return [k, Array.isArray(v) ? [...v].map(String).sort() : v];
    });
  return sha256(JSON.stringify(canonical));
}

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
