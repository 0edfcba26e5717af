/**
 * Prisma-backed OAuthStore (lib/oauth/store.ts): registered clients, consents,
 * pending authorizations and refresh-token bindings live in the database so that
 * any replica can serve any step of a flow. Single use is a conditional UPDATE
 * (`consumedAt IS NULL AND expiresAt > now`): the database decides which replica wins.
 */
import { randomUUID } from "node:crypto";
import type {
  ClientAuthMethod,
  OAuthClientRecord,
  OAuthStore,
  PendingKind,
  PendingRecord,
  RefreshTokenRecord,
} from "../oauth/store";
import type { Db } from "./client";

type PendingRow = {
  stateHash: string;
  kind: string;
  providerName: string;
  clientId: string;
  redirectUri: string;
  clientState: string | null;
  codeChallenge: string;
  codeChallengeMethod: string;
  scope: string | null;
  resource: string | null;
  facadeIssuer: string | null;
  browserIdHash: string | null;
  loginParams: unknown;
  codeHash: string | null;
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
};

const toPending = (r: PendingRow): PendingRecord => ({
  stateHash: r.stateHash,
  kind: r.kind as PendingKind,
  providerName: r.providerName,
  clientId: r.clientId,
  redirectUri: r.redirectUri,
  clientState: r.clientState ?? undefined,
  codeChallenge: r.codeChallenge,
  codeChallengeMethod: r.codeChallengeMethod,
  scope: r.scope ?? undefined,
  resource: r.resource ?? undefined,
  facadeIssuer: r.facadeIssuer ?? "",
  browserIdHash: r.browserIdHash ?? undefined,
  loginParams: loginParamsOf(r.loginParams),
  codeHash: r.codeHash ?? undefined,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  consumedAt: r.consumedAt ?? undefined,
});

/** Only string values survive (the column is JSON): anything else in it is ignored. */
function loginParamsOf(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out = Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
  return Object.keys(out).length ? out : undefined;
}

type ClientRow = {
  clientId: string;
  providerName: string;
  clientName: string | null;
  redirectUris: unknown;
  metadata: unknown;
  tokenEndpointAuthMethod: string;
  clientSecretHash: string | null;
  idpClientId: string | null;
  idpClientSecretEnc: string | null;
  idpRegistrationUri: string | null;
  idpRegistrationTokenEnc: string | null;
  idpRedirectUri: string | null;
  createdAt: Date;
};

const toClient = (r: ClientRow): OAuthClientRecord => ({
  clientId: r.clientId,
  providerName: r.providerName,
  clientName: r.clientName ?? undefined,
  redirectUris: r.redirectUris as string[],
  metadata: r.metadata as Record<string, unknown>,
  tokenEndpointAuthMethod: r.tokenEndpointAuthMethod as ClientAuthMethod,
  clientSecretHash: r.clientSecretHash ?? undefined,
  idpClientId: r.idpClientId ?? undefined,
  idpClientSecretEnc: r.idpClientSecretEnc ?? undefined,
  idpRegistration:
    r.idpRegistrationUri && r.idpRegistrationTokenEnc
      ? { uri: r.idpRegistrationUri, tokenEnc: r.idpRegistrationTokenEnc }
      : undefined,
  idpRedirectUri: r.idpRedirectUri ?? undefined,
  createdAt: r.createdAt,
});

const toRefresh = (r: Omit<RefreshTokenRecord, "resource"> & { resource: string | null }): RefreshTokenRecord => ({
  tokenHash: r.tokenHash,
  providerName: r.providerName,
  clientId: r.clientId,
  scope: r.scope,
  resource: r.resource ?? undefined,
  expiresAt: r.expiresAt,
});

export function createOAuthRepo(db: Db): OAuthStore {
  return {
    async createClient(c) {
      await db.oAuthClient.create({
        data: {
          clientId: c.clientId,
          providerName: c.providerName,
          clientName: c.clientName ?? null,
          redirectUris: c.redirectUris,
          metadata: c.metadata as object,
          tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
          clientSecretHash: c.clientSecretHash ?? null,
          idpClientId: c.idpClientId ?? null,
          idpClientSecretEnc: c.idpClientSecretEnc ?? null,
          idpRegistrationUri: c.idpRegistration?.uri ?? null,
          idpRegistrationTokenEnc: c.idpRegistration?.tokenEnc ?? null,
          idpRedirectUri: c.idpRedirectUri ?? null,
          createdAt: c.createdAt,
        },
      });
    },
    async getClient(clientId) {
      const r = await db.oAuthClient.findUnique({ where: { clientId } });
      return r ? toClient(r) : null;
    },
    async updateClient(clientId, c) {
      await db.oAuthClient.updateMany({
        where: { clientId },
        data: { clientName: c.clientName ?? null, redirectUris: c.redirectUris, metadata: c.metadata as object },
      });
    },
    countClients: (providerName) => db.oAuthClient.count({ where: { providerName } }),
    async listClients(providerName, limit) {
      const rows = await db.oAuthClient.findMany({
        where: { providerName },
        orderBy: { createdAt: "desc" },
        take: limit,
      });
      return rows.map(toClient);
    },
    async deleteClient(providerName, clientId, audit) {
      // One transaction: the client, its consents, its pending flows and the audit record go together or not at all.
      return db.$transaction(async (tx) => {
        const { count } = await tx.oAuthClient.deleteMany({ where: { clientId, providerName } });
        if (count === 0) return false;
        const consents = await tx.consent.deleteMany({ where: { clientId } });
        const pending = await tx.pendingAuthorization.deleteMany({ where: { clientId } });
        const refreshTokens = await tx.refreshTokenBinding.deleteMany({ where: { clientId } });
        await tx.auditEvent.create({
          data: {
            id: randomUUID(),
            actor: audit.actor,
            action: "oauth-client.delete",
            target: `provider/${providerName}/client/${clientId}`,
            detail: {
              consents: consents.count,
              pendingAuthorizations: pending.count,
              refreshTokens: refreshTokens.count,
              ...(audit.idp ? { idp: audit.idp } : {}),
            },
          },
        });
        return true;
      });
    },
    async getConsent(browserIdHash, clientId) {
      const r = await db.consent.findUnique({ where: { browserId_clientId: { browserId: browserIdHash, clientId } } });
      return r
        ? {
            browserIdHash: r.browserId,
            clientId: r.clientId,
            providerName: r.providerName,
            scope: r.scope,
            servers: r.servers.split(" ").filter(Boolean),
            createdAt: r.createdAt,
          }
        : null;
    },
    async forgetConsents(clientId) {
      await db.consent.deleteMany({ where: { clientId } });
    },
    async saveConsent(c) {
      await db.consent.upsert({
        where: { browserId_clientId: { browserId: c.browserIdHash, clientId: c.clientId } },
        create: {
          id: randomUUID(),
          browserId: c.browserIdHash,
          clientId: c.clientId,
          providerName: c.providerName,
          scope: c.scope,
          servers: c.servers.join(" "),
        },
        update: { providerName: c.providerName, scope: c.scope, servers: c.servers.join(" "), createdAt: new Date() },
      });
    },
    async createPending(p) {
      await db.pendingAuthorization.create({
        data: {
          stateHash: p.stateHash,
          kind: p.kind,
          providerName: p.providerName,
          clientId: p.clientId,
          redirectUri: p.redirectUri,
          clientState: p.clientState ?? null,
          codeChallenge: p.codeChallenge,
          codeChallengeMethod: p.codeChallengeMethod,
          scope: p.scope ?? null,
          resource: p.resource ?? null,
          facadeIssuer: p.facadeIssuer,
          browserIdHash: p.browserIdHash ?? null,
          ...(p.loginParams ? { loginParams: p.loginParams } : {}),
          expiresAt: p.expiresAt,
        },
      });
    },
    async consumePending(stateHash, kind, providerName, now) {
      const r = await db.pendingAuthorization.updateMany({
        where: { stateHash, kind, providerName, consumedAt: null, expiresAt: { gt: now } },
        data: { consumedAt: now },
      });
      if (r.count !== 1) return null;
      const row = await db.pendingAuthorization.findUnique({ where: { stateHash } });
      return row ? toPending(row) : null;
    },
    async bindCode(stateHash, codeHash, expiresAt) {
      await db.pendingAuthorization.updateMany({ where: { stateHash }, data: { codeHash, expiresAt } });
    },
    async findByCodeHash(codeHash) {
      const row = await db.pendingAuthorization.findUnique({ where: { codeHash } });
      return row ? toPending(row) : null;
    },
    countActivePending: (providerName, kind, now) =>
      db.pendingAuthorization.count({ where: { providerName, kind, consumedAt: null, expiresAt: { gt: now } } }),
    countActivePendingForClient: (clientId, now) =>
      db.pendingAuthorization.count({ where: { clientId, consumedAt: null, expiresAt: { gt: now } } }),
    async saveRefreshToken(r) {
      const data = {
        providerName: r.providerName,
        clientId: r.clientId,
        scope: r.scope,
        resource: r.resource ?? null,
        expiresAt: r.expiresAt,
      };
      await db.refreshTokenBinding.upsert({
        where: { tokenHash: r.tokenHash },
        create: { tokenHash: r.tokenHash, ...data },
        update: data,
      });
    },
    async findRefreshToken(tokenHash) {
      const row = await db.refreshTokenBinding.findUnique({ where: { tokenHash } });
      return row ? toRefresh(row) : null;
    },
    async expireRefreshTokenAt(tokenHash, expiresAt) {
      await db.refreshTokenBinding.updateMany({
        where: { tokenHash, expiresAt: { gt: expiresAt } },
        data: { expiresAt },
      });
    },
    async sweep(before) {
      const pending = await db.pendingAuthorization.deleteMany({ where: { expiresAt: { lt: before } } });
      const refresh = await db.refreshTokenBinding.deleteMany({ where: { expiresAt: { lt: before } } });
      return pending.count + refresh.count;
    },
  };
}
