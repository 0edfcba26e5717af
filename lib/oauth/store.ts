/**
 * What the facade persists, as a small interface: registered clients,
 * remembered consents and pending authorizations. lib/db/oauth-repo.ts is the
 * Prisma implementation (shared by every replica); `createMemoryOAuthStore` is
 * for unit tests. Every secret-like key (state, consent ticket, browser id,
 * code, client secret) is stored as its SHA-256 only.
 */
export type ClientAuthMethod = "none" | "client_secret_basic" | "client_secret_post";

export type OAuthClientRecord = {
  clientId: string;
  providerName: string;
  clientName?: string;
  redirectUris: string[];
  /** The registered metadata as answered to the client (no secret). */
  metadata: Record<string, unknown>;
  tokenEndpointAuthMethod: ClientAuthMethod;
  clientSecretHash?: string;
  /** Set when the gateway registered a client of its own at the IdP for this client. */
  idpClientId?: string;
  idpClientSecretEnc?: string;
  /** RFC 7592: where and with which (encrypted) token the gateway can delete its client there. */
  idpRegistration?: { uri: string; tokenEnc: string };
  createdAt: Date;
};

export type PendingKind = "consent" | "idp";

export type PendingRecord = {
  /** SHA-256 of the gateway-generated state (idp) or consent ticket (consent). */
  stateHash: string;
  kind: PendingKind;
  providerName: string;
  clientId: string;
  /** The redirect URI exactly as the client presented it. */
  redirectUri: string;
  clientState?: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  scope?: string;
  resource?: string;
  /** Facade issuer at the start of the flow (relayed as `iss`). */
  facadeIssuer: string;
  /** For kind "consent": the browser the consent page was shown to. */
  browserIdHash?: string;
  codeHash?: string;
  createdAt: Date;
  expiresAt: Date;
  consumedAt?: Date;
};

export type ConsentRecord = {
  browserIdHash: string;
  clientId: string;
  providerName: string;
  scope: string;
  createdAt: Date;
};

export interface OAuthStore {
  createClient(c: OAuthClientRecord): Promise<void>;
  getClient(clientId: string): Promise<OAuthClientRecord | null>;
  countClients(providerName: string): Promise<number>;
  /** The provider's registered clients, newest first, at most `limit`. */
  listClients(providerName: string, limit: number): Promise<OAuthClientRecord[]>;
  /**
   * Deletes the client with its remembered consents and its pending authorizations, so a flow
   * in progress cannot finish for it. False when the provider has no such client.
   */
  deleteClient(
    providerName: string,
    clientId: string,
    audit: { actor: string; idp?: { status: string; clientId?: string } },
  ): Promise<boolean>;
  getConsent(browserIdHash: string, clientId: string): Promise<ConsentRecord | null>;
  saveConsent(c: Omit<ConsentRecord, "createdAt">): Promise<void>;
  createPending(p: Omit<PendingRecord, "createdAt" | "consumedAt" | "codeHash">): Promise<void>;
  /**
   * Atomically marks an unconsumed, unexpired pending record of this kind and
   * provider as consumed (and records `codeHash` if given); returns it, or null
   * when it does not exist, expired or was already consumed. Exactly one caller
   * wins, across replicas.
   */
  consumePending(
    stateHash: string,
    kind: PendingKind,
    providerName: string,
    now: Date,
    codeHash?: string,
  ): Promise<PendingRecord | null>;
  /** The consumed idp record whose callback carried this code. */
  findByCodeHash(codeHash: string): Promise<PendingRecord | null>;
  /** Unconsumed, unexpired records of a provider (the bound on flows in flight). */
  countActivePending(providerName: string, now: Date): Promise<number>;
  /** Deletes records expired before `before`. */
  sweep(before: Date): Promise<number>;
}

export function createMemoryOAuthStore(): OAuthStore {
  const clients = new Map<string, OAuthClientRecord>();
  const consents = new Map<string, ConsentRecord>();
  const pending = new Map<string, PendingRecord>();
  return {
    async createClient(c) {
      if (clients.has(c.clientId)) throw new Error("duplicate client id");
      clients.set(c.clientId, { ...c });
    },
    async getClient(id) {
      return clients.get(id) ?? null;
    },
    async countClients(p) {
      return [...clients.values()].filter((c) => c.providerName === p).length;
    },
    async listClients(p, limit) {
      return [...clients.values()]
        .filter((c) => c.providerName === p)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, limit)
        .map((c) => ({ ...c }));
    },
    async deleteClient(p, id) {
      const c = clients.get(id);
      if (!c || c.providerName !== p) return false;
      clients.delete(id);
      for (const [k, v] of consents) if (v.clientId === id) consents.delete(k);
      for (const [k, v] of pending) if (v.clientId === id) pending.delete(k);
      return true;
    },
    async getConsent(b, c) {
      return consents.get(`${b}\u0000${c}`) ?? null;
    },
    async saveConsent(c) {
      consents.set(`${c.browserIdHash}\u0000${c.clientId}`, { ...c, createdAt: new Date() });
    },
    async createPending(p) {
      if (pending.has(p.stateHash)) throw new Error("duplicate state");
      pending.set(p.stateHash, { ...p, createdAt: new Date() });
    },
    async consumePending(h, kind, providerName, now, codeHash) {
      const p = pending.get(h);
      if (!p || p.kind !== kind || p.providerName !== providerName || p.consumedAt || p.expiresAt <= now) return null;
      p.consumedAt = now;
      if (codeHash) {
        p.codeHash = codeHash;
        p.expiresAt = new Date(now.getTime() + 600_000);
      }
      return { ...p };
    },
    async findByCodeHash(codeHash) {
      for (const p of pending.values()) if (p.codeHash === codeHash) return { ...p };
      return null;
    },
    async countActivePending(providerName, now) {
      return [...pending.values()].filter((p) => p.providerName === providerName && !p.consumedAt && p.expiresAt > now)
        .length;
    },
    async sweep(before) {
      let n = 0;
      for (const [k, p] of pending) {
        if (p.expiresAt < before) {
          pending.delete(k);
          n++;
        }
      }
      return n;
    },
  };
}
