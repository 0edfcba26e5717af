/**
 * Keeps the compiled configuration in memory so the hot path never queries the
 * database. Polls the config version (one tiny query) and reloads on change, so
 * every replica sharing the database converges within one poll interval; local
 * writes call `refresh()` to take effect at once.
 *
 * The polls double as the database health check: `database()` says whether the
 * last check answered, since when, and why not. An outage changes nothing else:
 * the last loaded config keeps serving.
 */
import type { ConfigSnapshot } from "../config/model";
import type { Logger } from "../log";
import { databaseErrorSummary } from "../db/unavailable";

export interface ConfigSource {
  version(): Promise<number>;
  loadSnapshot(): Promise<ConfigSnapshot>;
}

export type DatabaseHealth = {
  ok: boolean;
  /** Epoch ms of the last check that answered (or failed). */
  checkedAt: number;
  /** Epoch ms since which `ok` has had its current value. */
  since: number;
  /** Why the last check failed (operators only: logs and the authenticated console, never /readyz). */
  error?: string;
};

export interface ConfigCache {
  current(): ConfigSnapshot;
  refresh(): Promise<ConfigSnapshot>;
  subscribe(fn: (s: ConfigSnapshot) => void): () => void;
  /** Time of the last successful version check. */
  lastCheckAt(): number;
  /** The database as the version checks see it. */
  database(): DatabaseHealth;
  stop(): void;
}

/** While the database stays down, the outage is logged again this often (not on every poll). */
const OUTAGE_LOG_EVERY_MS = 60_000;

export async function createConfigCache(
  source: ConfigSource,
  opts: { pollMs: number; logger: Logger; now?: () => number },
): Promise<ConfigCache> {
  const now = opts.now ?? Date.now;
  let snapshot = await source.loadSnapshot();
  let lastCheck = now();
  let inflight: Promise<ConfigSnapshot> | null = null;
  let checking = false;
  let health: DatabaseHealth = { ok: true, checkedAt: lastCheck, since: lastCheck };
  let lastOutageLog = 0;
  const listeners = new Set<(s: ConfigSnapshot) => void>();
  // A check that hangs (a server that accepts but never answers) counts as failed after this long.
  const checkTimeoutMs = Math.max(opts.pollMs, 2000);

  const reload = () =>
    (inflight ??= source
      .loadSnapshot()
      .then((s) => {
        if (s.version !== snapshot.version)
          opts.logger.info({ version: s.version, previous: snapshot.version }, "config reloaded");
        snapshot = s;
        lastCheck = now();
        for (const fn of listeners) fn(s);
        return s;
      })
      .finally(() => (inflight = null)));

  function record(ok: boolean, error?: string) {
    const t = now();
    if (ok) {
      if (!health.ok)
        opts.logger.warn({ downForMs: t - health.since }, "database reachable again; config checks resumed");
      health = { ok: true, checkedAt: t, since: health.ok ? health.since : t };
      return;
    }
    const wasOk = health.ok;
    health = { ok: false, checkedAt: t, since: wasOk ? t : health.since, error };
    if (wasOk || t - lastOutageLog >= OUTAGE_LOG_EVERY_MS) {
      lastOutageLog = t;
      opts.logger.warn(
        { err: error, downForMs: t - health.since },
        "database unreachable: serving the last loaded config; console writes and OAuth flows fail until it is back",
      );
    }
  }

  async function check() {
    if (checking) return; // the previous check has not answered yet: don't pile up queries
    checking = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const v = await Promise.race([
        source.version(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
        }),
      ]);
      lastCheck = now();
      record(true);
      if (v !== snapshot.version) await reload();
    } catch (e) {
      record(false, databaseErrorSummary(e));
    } finally {
      clearTimeout(timer);
      checking = false;
    }
  }

  const timer = setInterval(() => void check(), opts.pollMs);
  timer.unref();

  return {
    current: () => snapshot,
    refresh: reload,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    lastCheckAt: () => lastCheck,
    database: () => health,
    stop: () => clearInterval(timer),
  };
}
