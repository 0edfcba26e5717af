/**
 * Prisma client factory: the driver adapter and generated client are chosen from
 * DATABASE_URL. Both generated clients come from one schema, so the SQLite
 * client's type describes either.
 */
import type { DatabaseTarget } from "./url";
import type { PrismaClient as SqliteClient } from "./generated/sqlite/client";

export type Db = SqliteClient;

export async function createPrisma(target: DatabaseTarget): Promise<Db> {
  if (target.kind === "sqlite") {
    const [{ PrismaClient }, { PrismaLibSQL }] = await Promise.all([
      import("./generated/sqlite/client"),
      import("@prisma/adapter-libsql"),
    ]);
    const prisma = new PrismaClient({ adapter: new PrismaLibSQL({ url: target.url }) });
    // Several processes may share the file (CLI beside a running gateway).
    await prisma.$executeRawUnsafe("PRAGMA busy_timeout = 10000");
    return prisma;
  }
  const [{ PrismaClient }, { PrismaPg }] = await Promise.all([
    import("./generated/postgres/client"),
    import("@prisma/adapter-pg"),
  ]);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10 }) });
  return prisma as unknown as Db;
}
