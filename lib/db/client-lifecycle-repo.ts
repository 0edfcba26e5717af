/**
 * Prisma-backed ClientLifecycleStore (lib/oauth/client-lifecycle.ts): last use,
 * expiry and de-duplication of the facade's clients, on the OAuthClient table
 * (columns lastUsedAt and registrationKey, indexed per provider).
 */
import type { ClientLifecycleStore, ExpiryCutoffs } from "../oauth/client-lifecycle";
import type { Db } from "./client";

/** Prisma `where` for "expired under these cutoffs"; undefined when nothing can expire. */
function expiredWhere(c: ExpiryCutoffs) {
  const or = [
    ...(c.unusedBefore ? [{ lastUsedAt: null, createdAt: { lt: c.unusedBefore } }] : []),
    ...(c.idleBefore ? [{ lastUsedAt: { lt: c.idleBefore } }] : []),
  ];
  return or.length ? { OR: or } : undefined;
}

export function createClientLifecycleRepo(db: Db): ClientLifecycleStore {
  // Written positively: NOT over a nullable column would drop NULL rows (SQL's three-valued logic).
  const live = (providerName: string, c: ExpiryCutoffs) => ({
    providerName,
    OR: [
      { lastUsedAt: null, ...(c.unusedBefore ? { createdAt: { gte: c.unusedBefore } } : {}) },
      { lastUsedAt: c.idleBefore ? { gte: c.idleBefore } : { not: null } },
    ],
  });
  return {
    async markUsed(clientId, at) {
      await db.oAuthClient.updateMany({ where: { clientId }, data: { lastUsedAt: at } });
    },
    countLive: (providerName, c) => db.oAuthClient.count({ where: live(providerName, c) }),
    async listExpired(providerName, c, limit) {
      const expired = expiredWhere(c);
      if (!expired) return [];
      const rows = await db.oAuthClient.findMany({
        where: { providerName, ...expired },
        select: { clientId: true },
        orderBy: { createdAt: "asc" },
        take: limit,
      });
      return rows.map((r) => r.clientId);
    },
    async findLiveByRegistrationKey(providerName, key, c) {
      const row = await db.oAuthClient.findFirst({
        where: { ...live(providerName, c), registrationKey: key },
        select: { clientId: true },
        orderBy: { createdAt: "asc" },
      });
      return row?.clientId;
    },
    async setRegistrationKey(clientId, key) {
      await db.oAuthClient.updateMany({ where: { clientId }, data: { registrationKey: key } });
    },
    async uses(clientIds) {
      if (clientIds.length === 0) return [];
      const rows = await db.oAuthClient.findMany({
        where: { clientId: { in: [...clientIds] } },
        select: { clientId: true, createdAt: true, lastUsedAt: true },
      });
      return rows.map((r) => ({ clientId: r.clientId, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
    },
    async counts(providerName, c) {
      const expired = expiredWhere(c);
      const [total, neverUsed, expiredCount] = await Promise.all([
        db.oAuthClient.count({ where: { providerName } }),
        db.oAuthClient.count({ where: { providerName, lastUsedAt: null } }),
        expired ? db.oAuthClient.count({ where: { providerName, ...expired } }) : Promise.resolve(0),
      ]);
      return { total, neverUsed, expired: expiredCount };
    },
  };
}
