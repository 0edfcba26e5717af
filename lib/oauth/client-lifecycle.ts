/**
 * The lifecycle of the facade's clients (DCR registrations and clients known by
 * a metadata document): when one was last used (a token issued to it), when it
 * expires (never used within the provider's `expireUnusedAfter`, or idle for
 * `expireIdleAfter`), which count as live (the per-provider cap), and the key
 * under which identical public-client registrations are de-duplicated.
 * client-expiry.ts deletes expired clients.
 */
import { sha256 } from "../admin/tokens";
import type { ProviderConfig } from "../config/schema";
import { durationSeconds } from "../config/schema";
import type { OAuthClientRecord, OAuthStore } from "./store";

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

/** In-memory ClientLifecycleStore over an OAuthStore (unit tests); the database one is lib/db/client-lifecycle-repo.ts. */
export function createMemoryLifecycleStore(store: OAuthStore, providers: readonly string[]): ClientLifecycleStore {
  const lastUsed = new Map<string, Date>();
  const keys = new Map<string, string>();
  const all = async () => (await Promise.all(providers.map((p) => store.listClients(p, 100_000)))).flat();
  const use = (c: OAuthClientRecord): ClientUse => ({
    clientId: c.clientId,
    createdAt: c.createdAt,
    lastUsedAt: lastUsed.get(c.clientId) ?? null,
  });
  const of = async (p: string) => (await store.listClients(p, 100_000)).map((c) => ({ c, u: use(c) }));
  return {
    async markUsed(id, at) {
      lastUsed.set(id, at);
    },
    countLive: async (p, cut) => (await of(p)).filter(({ u }) => !isExpired(u, cut)).length,
    listExpired: async (p, cut, limit) =>
      (await of(p))
        .filter(({ u }) => isExpired(u, cut))
        .sort((a, b) => a.u.createdAt.getTime() - b.u.createdAt.getTime())
        .slice(0, limit)
        .map(({ u }) => u.clientId),
    findLiveByRegistrationKey: async (p, key, cut) =>
      (await of(p)).find(({ u }) => keys.get(u.clientId) === key && !isExpired(u, cut))?.u.clientId,
    async setRegistrationKey(id, key) {
      keys.set(id, key);
    },
    uses: async (ids) => (await all()).filter((c) => ids.includes(c.clientId)).map(use),
    async counts(p, cut) {
      const list = await of(p);
      return {
        total: list.length,
        neverUsed: list.filter(({ u }) => u.lastUsedAt === null).length,
        expired: list.filter(({ u }) => isExpired(u, cut)).length,
      };
    },
  };
}
