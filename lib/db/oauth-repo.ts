/**
 * Prisma-backed OAuthStore (lib/oauth/store.ts): registered clients, consents
 * and pending authorizations live in the database so that any replica can
 * serve any step of a flow. Single use is a conditional UPDATE (`consumedAt IS
 * NULL AND expiresAt > now`): the database decides which replica wins.
 */
import { randomUUID } from "node:crypto";
import type { ClientAuthMethod, OAuthClientRecord, OAuthStore, PendingKind, PendingRecord } from "../oauth/store";
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
  codeHash: r.codeHash ?? undefined,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  consumedAt: r.consumedAt ?? undefined,
});

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
  createdAt: r.createdAt,
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
          createdAt: c.createdAt,
        },
      });
    },
    async getClient(clientId) {
      const r = await db.oAuthClient.findUnique({ where: { clientId } });
      return r ? toClient(r) : null;
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
        await tx.auditEvent.create({
          data: {
            id: randomUUID(),
            actor: audit.actor,
            action: "oauth-client.delete",
            target: `provider/${providerName}/client/${clientId}`,
            detail: {
              consents: consents.count,
              pendingAuthorizations: pending.count,
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
            createdAt: r.createdAt,
          }
        : null;
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
        },
        update: { providerName: c.providerName, scope: c.scope, createdAt: new Date() },
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
          expiresAt: p.expiresAt,
        },
      });
    },
    async consumePending(stateHash, kind, providerName, now, codeHash) {
      const r = await db.pendingAuthorization.updateMany({
        where: { stateHash, kind, providerName, consumedAt: null, expiresAt: { gt: now } },
        // A relayed code stays bound for 10 minutes, however long the user spent at the IdP.
        data: { consumedAt: now, ...(codeHash ? { codeHash, expiresAt: new Date(now.getTime() + 600_000) } : {}) },
      });
      if (r.count !== 1) return null;
      const row = await db.pendingAuthorization.findUnique({ where: { stateHash } });
      return row ? toPending(row) : null;
    },
    async findByCodeHash(codeHash) {
      const row = await db.pendingAuthorization.findUnique({ where: { codeHash } });
      return row ? toPending(row) : null;
    },
    countActivePending: (providerName, now) =>
      db.pendingAuthorization.count({ where: { providerName, consumedAt: null, expiresAt: { gt: now } } }),
    async sweep(before) {
      const r = await db.pendingAuthorization.deleteMany({ where: { expiresAt: { lt: before } } });
      return r.count;
    },
  };
}
