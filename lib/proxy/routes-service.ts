/**
 * Keeps the compiled route table in step with the config cache: compiled at
 * start, recompiled on every reload (local writes, and other replicas' writes
 * seen by the cache's version poll). The hot path reads `current()` only.
 */
import type { Runtime } from "../runtime/types";
import { compileRoutes, type RouteTable } from "./route-table";

export type Routes = { current(): RouteTable };

const KEY = "portcullis.routes";

export function getRoutes(runtime: Runtime): Routes {
  let r = runtime.services.get(KEY) as Routes | undefined;
  if (r) return r;
  const build = () => {
    const t = compileRoutes(runtime.config.current(), runtime.env);
    for (const p of t.problems) runtime.logger.warn({ version: t.version }, p);
    return t;
  };
  let table = build();
  runtime.config.subscribe(() => {
    try {
      table = build();
    } catch (e) {
      // Keep serving the previous table rather than dropping every route.
      runtime.logger.error({ err: (e as Error).message }, "could not compile the server table; keeping the previous one");
    }
  });
  r = { current: () => table };
  runtime.services.set(KEY, r);
  return r;
}
