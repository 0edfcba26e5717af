/**
 * What the facade persists, as a small interface: registered clients,
 * remembered consents, pending authorizations and the refresh tokens it relayed.
 * lib/db/oauth-repo.ts is the Prisma implementation (shared by every replica);
 * `createMemoryOAuthStore` is for unit tests. Every secret-like key (state, consent
 * ticket, browser id, code, refresh token, client secret) is stored as its SHA-256 only.
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
  /** The facade callback that IdP client was registered with; it is never used with another. */
  idpRedirectUri?: string;
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
  /** The browser that started the flow: only it may post the consent form or finish at the callback. */
  browserIdHash?: string;
  /** The client's prompt, login_hint, ui_locales, max_age: kept across the consent page for the IdP. */
  loginParams?: Record<string, string>;
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
  /** Names of the servers the consent page named: the consent covers these and no other. */
  servers: string[];
  createdAt: Date;
};

/** A refresh token the IdP returned through the facade (by hash) and who may redeem it for what. */
export type RefreshTokenRecord = {
  tokenHash: string;
  providerName: string;
  clientId: string;
  /** Space-separated scopes a refresh may ask for: the consented ones and those the IdP granted. */
  scope: string;
  /** The resource the sign-in was authorized for (a refresh may ask for no other); none: every server. */
  resource?: string;
  expiresAt: Date;
};

export interface OAuthStore {
  createClient(c: OAuthClientRecord): Promise<void>;
  getClient(clientId: string): Promise<OAuthClientRecord | null>;
  /** Replaces what a client's metadata document says (name, redirect URIs, metadata). */
  updateClient(clientId: string, c: Pick<OAuthClientRecord, "clientName" | "redirectUris" | "metadata">): Promise<void>;
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
  /** Forgets every remembered consent for the client (its redirect URIs changed). */
  forgetConsents(clientId: string): Promise<void>;
  saveConsent(c: Omit<ConsentRecord, "createdAt">): Promise<void>;
  createPending(p: Omit<PendingRecord, "createdAt" | "consumedAt" | "codeHash">): Promise<void>;
  /**
   * Atomically marks an unconsumed, unexpired pending record of this kind and
   * provider as consumed; returns it, or null when it does not exist, expired or
   * was already consumed. Exactly one caller wins, across replicas.
   */
  consumePending(stateHash: string, kind: PendingKind, providerName: string, now: Date): Promise<PendingRecord | null>;
  /** Records the code the callback relayed for a consumed record (binding it to its client until `expiresAt`). */
  bindCode(stateHash: string, codeHash: string, expiresAt: Date): Promise<void>;
  /** The consumed idp record whose callback carried this code. */
  findByCodeHash(codeHash: string): Promise<PendingRecord | null>;
  /** Unconsumed, unexpired records of a provider and kind (the bounds on flows in flight). */
  countActivePending(providerName: string, kind: PendingKind, now: Date): Promise<number>;
  /** Unconsumed, unexpired records of one client, of either kind. */
  countActivePendingForClient(clientId: string, now: Date): Promise<number>;
  /** Inserts or renews the binding of a refresh token. */
  saveRefreshToken(r: RefreshTokenRecord): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /** Shortens a binding's life (a rotated token, kept for the IdP's grace period). */
  expireRefreshTokenAt(tokenHash: string, expiresAt: Date): Promise<void>;
  /** Deletes pending records and refresh-token bindings expired before `before`. */
  sweep(before: Date): Promise<number>;
}

export function createMemoryOAuthStore(): OAuthStore {
  const clients = new Map<string, OAuthClientRecord>();
  const consents = new Map<string, ConsentRecord>();
  const pending = new Map<string, PendingRecord>();
  const refresh = new Map<string, RefreshTokenRecord>();
  const active = (p: PendingRecord, now: Date) => !p.consumedAt && p.expiresAt > now;
  return {
    async createClient(c) {
      if (clients.has(c.clientId)) throw new Error("duplicate client id");
      clients.set(c.clientId, { ...c });
    },
    async getClient(id) {
      return clients.get(id) ?? null;
    },
    async updateClient(id, c) {
      const found = clients.get(id);
      if (found) Object.assign(found, { clientName: c.clientName, redirectUris: c.redirectUris, metadata: c.metadata });
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
      for (const [k, v] of refresh) if (v.clientId === id) refresh.delete(k);
      return true;
    },
    async getConsent(b, c) {
      return consents.get(`${b}\u0000${c}`) ?? null;
    },
    async forgetConsents(id) {
      for (const [k, v] of consents) if (v.clientId === id) consents.delete(k);
    },
    async saveConsent(c) {
      consents.set(`${c.browserIdHash}\u0000${c.clientId}`, { ...c, createdAt: new Date() });
    },
    async createPending(p) {
      if (pending.has(p.stateHash)) throw new Error("duplicate state");
      pending.set(p.stateHash, { ...p, createdAt: new Date() });
    },
    async consumePending(h, kind, providerName, now) {
      const p = pending.get(h);
      if (!p || p.kind !== kind || p.providerName !== providerName || !active(p, now)) return null;
      p.consumedAt = now;
      return { ...p };
    },
    async bindCode(h, codeHash, expiresAt) {
      const p = pending.get(h);
      if (p) Object.assign(p, { codeHash, expiresAt });
    },
    async findByCodeHash(codeHash) {
      for (const p of pending.values()) if (p.codeHash === codeHash) return { ...p };
      return null;
    },
    async countActivePending(providerName, kind, now) {
      return [...pending.values()].filter((p) => p.providerName === providerName && p.kind === kind && active(p, now))
        .length;
    },
    async countActivePendingForClient(clientId, now) {
      return [...pending.values()].filter((p) => p.clientId === clientId && active(p, now)).length;
    },
    async saveRefreshToken(r) {
      refresh.set(r.tokenHash, { ...r });
    },
    async findRefreshToken(h) {
      const r = refresh.get(h);
      return r ? { ...r } : null;
    },
    async expireRefreshTokenAt(h, expiresAt) {
      const r = refresh.get(h);
      if (r && r.expiresAt > expiresAt) r.expiresAt = expiresAt;
    },
    async sweep(before) {
      let n = 0;
      for (const map of [pending, refresh] as Map<string, { expiresAt: Date }>[]) {
        for (const [k, p] of map) {
          if (p.expiresAt < before) {
            map.delete(k);
            n++;
          }
        }
      }
      return n;
    },
  };
}
