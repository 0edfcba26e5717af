/** Admin users and console sessions (only a hash of each session id is stored). */
import { randomUUID } from "node:crypto";
import type { Db } from "./client";
import { sha256 } from "../admin/tokens";

export type AdminRepo = ReturnType<typeof createAdminRepo>;

export function createAdminRepo(db: Db) {
  return {
    findUser: (username: string) => db.adminUser.findUnique({ where: { username } }),
    countUsers: () => db.adminUser.count(),
    async upsertUser(username: string, passwordHash: string) {
      await db.adminUser.upsert({
        where: { username },
        create: { id: randomUUID(), username, passwordHash },
        update: { passwordHash },
      });
    },
    /** Creates the user unless it exists (another replica may have won the race). */
    async createUserIfAbsent(username: string, passwordHash: string): Promise<boolean> {
      try {
        await db.adminUser.create({ data: { id: randomUUID(), username, passwordHash } });
        return true;
      } catch (e) {
        if ((e as { code?: string }).code === "P2002") return false;
        throw e;
      }
    },
    async createSession(sessionId: string, userId: string, ttlMs: number) {
      await db.adminSession.create({
        data: { idHash: sha256(sessionId), userId, expiresAt: new Date(Date.now() + ttlMs) },
      });
    },
    /** Returns the session's user if the session exists and has not expired; slides expiry. */
    async touchSession(sessionId: string, ttlMs: number) {
      const row = await db.adminSession.findUnique({ where: { idHash: sha256(sessionId) }, include: { user: true } });
      if (!row || row.expiresAt.getTime() <= Date.now()) return null;
      // Write at most once a minute: reads are the common case.
      if (Date.now() - row.lastSeenAt.getTime() > 60_000) {
        await db.adminSession.update({
          where: { idHash: row.idHash },
          data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + ttlMs) },
        });
      }
      return { username: row.user.username };
    },
    async deleteSession(sessionId: string) {
      await db.adminSession.deleteMany({ where: { idHash: sha256(sessionId) } });
    },
    async deleteExpiredSessions() {
      await db.adminSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    },
  };
}
