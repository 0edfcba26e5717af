// PostgreSQL for integration tests.
//  - PORTCULLIS_TEST_PG_URL set: use that server, creating a fresh database per startPostgres() call
//    (dropped again by stop()).
//  - otherwise: a private throw-away cluster (initdb + pg_ctl from /usr/lib/postgresql/<newest>/bin)
//    in a temp dir, on a free 127.0.0.1 port, unix socket inside the temp dir, fsync off. As root
//    it runs as the `postgres` OS user (runuser). The Debian system cluster is never touched.
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { cleanup, freePort } from "./cleanup";

const execFileP = promisify(execFile);

export const POSTGRES_INSTALL_HINT =
  "PostgreSQL is not installed. Install it with `apt-get update && apt-get install -y postgresql` " +
  "(the harness starts its own private cluster; do not start the system service), " +
  "or point PORTCULLIS_TEST_PG_URL at a server (postgres://user:pass@127.0.0.1:5432/postgres).";

export interface TestPostgres {
  /** postgres://user:pass@127.0.0.1:PORT/<fresh database> */
  url: string;
  database: string;
  /** URL of the maintenance database on the same server (for CREATE DATABASE etc.). */
  adminUrl: string;
  /** Temp directory of the private cluster (undefined with PORTCULLIS_TEST_PG_URL). */
  dir?: string;
  /** Stops the private cluster and removes its directory (or drops the database on an external server). */
  stop(): Promise<void>;
  /**
   * A database outage: stops the private cluster at once (`pg_ctl stop -m immediate`, connections cut),
   * keeping its data for resume(). Throws with PORTCULLIS_TEST_PG_URL (a shared server is never stopped).
   */
  halt(): Promise<void>;
  /** Starts the halted private cluster again, on the same port with the same data. */
  resume(): Promise<void>;
}

/** Newest /usr/lib/postgresql/<ver>/bin that has initdb (or $PG_BIN), else undefined. */
export function findPgBin(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, "initdb"))) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions.length ? join(root, versions[0], "bin") : undefined;
}

/** True when startPostgres() can work here (external URL configured or binaries installed). */
export function hasPostgres(): boolean {
  return Boolean(process.env.PORTCULLIS_TEST_PG_URL) || findPgBin() !== undefined;
}

/**
 * For `describe.skipIf(skipWithoutPostgres())(...)`: true (skip, with a console message) only when
 * PostgreSQL is unavailable AND `CI` is not set. Under CI it returns false so the suite runs and
 * fails loudly with the install hint.
 */
export function skipWithoutPostgres(): boolean {
  if (hasPostgres()) return false;
  if (process.env.CI) return false;
  console.warn(`[harness] skipping PostgreSQL tests: ${POSTGRES_INSTALL_HINT}`);
  return true;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function pgUserIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) {
    throw new Error(
      "running as root but there is no `postgres` OS user (installing the postgresql package creates it)",
    );
  }
  return { uid, gid };
}

/** [cmd, args] that runs `bin` as the postgres OS user when we are root. */
function asPgUser(bin: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [bin, args];
  if (existsSync("/usr/sbin/runuser") || existsSync("/sbin/runuser") || existsSync("/usr/bin/runuser")) {
    return ["runuser", ["-u", "postgres", "--", bin, ...args]];
  }
  const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  return ["su", ["postgres", "-s", "/bin/sh", "-c", quoted]];
}

async function run(bin: string, args: string[], timeoutMs = 90_000): Promise<string> {
  const [cmd, argv] = asPgUser(bin, args);
  try {
    const { stdout, stderr } = await execFileP(cmd, argv, {
      timeout: timeoutMs,
      env: { ...process.env, LC_ALL: "C", LANG: "C" },
    });
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin.split("/").pop()} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: err });
  }
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await c.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.href;
}

export async function startPostgres(opts: { database?: string } = {}): Promise<TestPostgres> {
  const database = opts.database ?? `portcullis_test_${randomBytes(4).toString("hex")}`;

  const external = process.env.PORTCULLIS_TEST_PG_URL;
  if (external) {
    await createDatabase(external, database);
    let stopped = false;
    const unregister = cleanup.add(`postgres-db(${database})`, () => stop());
    async function stop() {
      if (stopped) return;
      stopped = true;
      unregister();
      await dropDatabase(external!, database);
    }
    const shared = async () => {
      throw new Error("halt()/resume() need the private cluster: unset PORTCULLIS_TEST_PG_URL");
    };
    return { url: withDatabase(external, database), database, adminUrl: external, stop, halt: shared, resume: shared };
  }

  const bin = findPgBin();
  if (!bin) throw new Error(POSTGRES_INSTALL_HINT);

  // As root, use /tmp (TMPDIR may be under /root, which the postgres user cannot traverse).
  const dir = mkdtempSync(join(isRoot() ? "/tmp" : tmpdir(), "portcullis-pg-"));
  const removeOnExit = cleanup.removeOnExit(dir);
  const data = join(dir, "data");
  const sock = join(dir, "sock");
  const logFile = join(dir, "postgres.log");
  const pwFile = join(dir, "pw");
  const password = randomBytes(12).toString("hex");
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  spawnSync("mkdir", ["-p", sock]);
  if (isRoot()) {
    const { uid, gid } = pgUserIds();
    for (const p of [dir, sock, pwFile]) chownSync(p, uid, gid);
  }

  const fail = (err: unknown): never => {
    rmSync(dir, { recursive: true, force: true });
    removeOnExit();
    throw err;
  };

  try {
    await run(join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      "postgres",
      `--pwfile=${pwFile}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
      "--no-instructions",
    ]);
  } catch (err) {
    fail(err);
  }

  let port = 0;
  let lastErr: unknown;
  const stopExit = { fn: () => {} };
  const pgOptsFor = (p: number) =>
    [
      "-c listen_addresses=127.0.0.1",
      `-p ${p}`,
      `-k ${sock}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
      "-c shared_buffers=32MB",
    ].join(" ");
  for (let attempt = 0; attempt < 4 && !port; attempt++) {
    const p = await freePort();
    try {
      await run(join(bin, "pg_ctl"), ["-D", data, "-l", logFile, "-o", pgOptsFor(p), "-w", "-t", "60", "start"]);
      port = p;
    } catch (err) {
      lastErr = err;
      // The port may have been taken between freePort() and bind: make sure nothing is half up, retry.
      await run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    }
  }
  if (!port) {
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2000) : "";
    fail(new Error(`could not start PostgreSQL: ${(lastErr as Error)?.message}\n${log}`));
  }
  const [exitCmd, exitArgs] = asPgUser(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
  stopExit.fn = cleanup.runOnExit(exitCmd, exitArgs);

  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const unregister = cleanup.add(`postgres(${port})`, () => stop());
  async function stop() {
    if (stopped) return;
    stopped = true;
    unregister();
    try {
      await run(join(bin!, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
    } catch {
      await run(join(bin!, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    } finally {
      stopExit.fn();
      rmSync(dir, { recursive: true, force: true });
      removeOnExit();
    }
  }
  try {
    await createDatabase(adminUrl, database);
  } catch (err) {
    await stop();
    throw err;
  }
  const halt = async () => {
    await run(join(bin!, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]);
  };
  const resume = async () => {
    await run(join(bin!, "pg_ctl"), ["-D", data, "-l", logFile, "-o", pgOptsFor(port), "-w", "-t", "60", "start"]);
  };
  return { url: withDatabase(adminUrl, database), database, adminUrl, dir, stop, halt, resume };
}
