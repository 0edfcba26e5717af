/**
 * Applies prisma/migrations/<sqlite|postgres>/NNNN_name/migration.sql in order,
 * each inside one transaction together with its record in `_portcullis_migrations`.
 * Safe to run from several processes at once: PostgreSQL serialises on an advisory
 * transaction lock, SQLite on `BEGIN IMMEDIATE` (one writer at a time); whoever
 * comes second sees the migrations already recorded and does nothing.
 * (Prisma's own `migrate deploy` cannot run on these machines; see ENVIRONMENT.md.)
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { projectRoot } from "../project-root";
import type { DatabaseTarget } from "./url";
import { ensureDataDir, postgresConnectFailed, sqliteOpenFailed } from "./storage-errors";

export type Migration = { name: string; sql: string };
export type MigrationResult = { applied: string[]; alreadyApplied: string[] };

export const migrationsRoot = join(projectRoot(), "prisma/migrations");

export function loadMigrations(kind: DatabaseTarget["kind"], root = migrationsRoot): Migration[] {
  const dir = join(root, kind);
  if (!existsSync(dir)) throw new Error(`no migrations folder at ${dir}`);
  return readdirSync(dir)
    .filter((d) => /^\d{4}_[a-z0-9_]+$/.test(d))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name, "migration.sql"), "utf8") }));
}

const TABLE = `CREATE TABLE IF NOT EXISTS "_portcullis_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`;
/** Arbitrary constant: the advisory lock id all Portcullis replicas agree on. */
const PG_LOCK_ID = 7_391_004_221;

export async function migrate(
  target: DatabaseTarget,
  migrations = loadMigrations(target.kind),
): Promise<MigrationResult> {
  return target.kind === "sqlite" ? migrateSqlite(target.file, migrations) : migratePostgres(target.url, migrations);
}

async function migrateSqlite(file: string, migrations: Migration[]): Promise<MigrationResult> {
  ensureDataDir(dirname(file));
  const { createClient } = await import("@libsql/client");
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient({ url: `file:${file}` });
  } catch (e) {
    throw sqliteOpenFailed(file, e);
  }
  try {
    // The libsql driver is synchronous: a busy_timeout would block this event loop
    // (and deadlock against a connection in the same process). Retry asynchronously.
    // The first statement opens the file: a failure here is the file or directory, not the SQL.
    await retryWhileBusy(() => client.execute("PRAGMA journal_mode = WAL")).catch((e: unknown) => {
      throw sqliteOpenFailed(file, e);
    });
    // transaction("write") is BEGIN IMMEDIATE: it takes the write lock up front.
    const tx = await retryWhileBusy(() => client.transaction("write"));
    try {
      await tx.execute(TABLE);
      const done = new Set(
        (await tx.execute(`SELECT "name" FROM "_portcullis_migrations"`)).rows.map((r) => String(r.name)),
      );
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const m of migrations) {
        if (done.has(m.name)) {
          result.alreadyApplied.push(m.name);
          continue;
        }
        // executeMultiple leaves statements open inside a libsql transaction; Prisma's
        // generated SQL ends every statement with ";" + newline and has none inside literals.
        for (const stmt of splitStatements(m.sql)) await tx.execute(stmt);
        await tx.execute({
          sql: `INSERT INTO "_portcullis_migrations" ("name","appliedAt") VALUES (?, ?)`,
          args: [m.name, new Date().toISOString()],
        });
        result.applied.push(m.name);
      }
      // Nothing written: end read-only (libsql refuses to COMMIT right after a SELECT).
      if (result.applied.length === 0) await tx.rollback();
      else await tx.commit();
      return result;
    } finally {
      tx.close();
    }
  } finally {
    client.close();
  }
}

export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter(Boolean);
}

const isBusy = (e: unknown) =>
  /SQLITE_BUSY|database is locked/i.test(
    String((e as { code?: string })?.code ?? "") + String((e as Error)?.message ?? ""),
  );

/** Waits up to `timeoutMs` for another process holding the SQLite write lock. */
async function retryWhileBusy<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationResult> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((e: unknown) => {
    throw postgresConnectFailed(url, e);
  });
  try {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1)", [PG_LOCK_ID]);
      await client.query(TABLE);
      const done = new Set(
        (await client.query(`SELECT "name" FROM "_portcullis_migrations"`)).rows.map((r) => String(r.name)),
      );
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const m of migrations) {
        if (done.has(m.name)) {
          result.alreadyApplied.push(m.name);
          continue;
        }
        await client.query(m.sql);
        await client.query(`INSERT INTO "_portcullis_migrations" ("name","appliedAt") VALUES ($1, $2)`, [
          m.name,
          new Date().toISOString(),
        ]);
        result.applied.push(m.name);
      }
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    }
  } finally {
    await client.end();
  }
}
