/**
 * Keeps the compiled route table in step with the config cache: compiled at
 * start, recompiled on every reload (local writes, and other replicas' writes
 * seen by the cache's version poll). The hot path reads `current()` only.
 */
import type { Env } from "../config/env";
import type { Logger } from "../log";
import type { ConfigCache } from "../runtime/config-cache";
import { compileRoutes, type RouteTable } from "./route-table";

export type Routes = { current(): RouteTable };

export function createRoutes(config: ConfigCache, env: Env, logger: Logger): Routes {
  const build = () => {
    const t = compileRoutes(config.current(), env);
    for (const p of t.problems) logger.warn({ version: t.version }, p);
    return t;
  };
  let table = build();
  config.subscribe(() => {
    try {
      table = build();
    } catch (e) {
      // Keep serving the previous table rather than dropping every route.
      logger.error({ err: (e as Error).message }, "could not compile the server table; keeping the previous one");
    }
  });
  return { current: () => table };
}
