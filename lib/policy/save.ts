/**
 * Saving a server's rules, rate limits and audit settings on their own (the
 * console's rules editor): the rest of the server is kept as stored, and the
 * whole server is validated and written like any other change.
 */
import { parseOrThrow } from "../config/field-errors";
import type { ServerView } from "../config/model";
import { serverOperationsSchema } from "../config/schema";
import { getEntity, saveEntity, type ConfigDeps } from "../config/service";
import { viewsToConfig } from "../config/yaml";

export async function saveServerOperations(deps: ConfigDeps, name: string, input: unknown, actor: string) {
  const ops = parseOrThrow(serverOperationsSchema, input, "policy");
  const view = (await getEntity(deps, "server", name)) as ServerView;
  const { policy: _p, rateLimits: _r, audit: _a, ...rest } = viewsToConfig([], [view]).servers[0];
  return saveEntity(deps, "server", { ...rest, ...ops }, { actor, name });
}
