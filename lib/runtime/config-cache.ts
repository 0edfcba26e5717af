/**
 * Keeps the compiled configuration in memory so the hot path never queries the
 * database. Polls the config version (one tiny query) and reloads on change, so
 * every replica sharing the database converges within one poll interval; local
 * writes call `refresh()` to take effect at once.
 */
import type { ConfigSnapshot } from "../config/model";
import type { Logger } from "../log";

export interface ConfigSource {
  version(): Promise<number>;
  loadSnapshot(): Promise<ConfigSnapshot>;
}

export interface ConfigCache {
  current(): ConfigSnapshot;
  refresh(): Promise<ConfigSnapshot>;
  subscribe(fn: (s: ConfigSnapshot) => void): () => void;
  /** Time of the last successful version check (for /readyz). */
  lastCheckAt(): number;
  stop(): void;
}

export async function createConfigCache(
  source: ConfigSource,
  opts: { pollMs: number; logger: Logger },
): Promise<ConfigCache> {
  let snapshot = await source.loadSnapshot();
  let lastCheck = Date.now();
  let inflight: Promise<ConfigSnapshot> | null = null;
  const listeners = new Set<(s: ConfigSnapshot) => void>();

  const reload = () =>
    (inflight ??= source
      .loadSnapshot()
      .then((s) => {
        if (s.version !== snapshot.version)
          opts.logger.info({ version: s.version, previous: snapshot.version }, "config reloaded");
        snapshot = s;
        lastCheck = Date.now();
        for (const fn of listeners) fn(s);
        return s;
      })
      .finally(() => (inflight = null)));

  const timer = setInterval(async () => {
    try {
      const v = await source.version();
      lastCheck = Date.now();
      if (v !== snapshot.version) await reload();
    } catch (e) {
      opts.logger.warn({ err: (e as Error).message }, "config version check failed; serving the last loaded config");
    }
  }, opts.pollMs);
  timer.unref();

  return {
    current: () => snapshot,
    refresh: reload,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    lastCheckAt: () => lastCheck,
    stop: () => clearInterval(timer),
  };
}
