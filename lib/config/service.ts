/**
 * Admin operations on providers and servers, shared by the /api route handlers,
 * the CLI and the console's one-click fixes. Every write is validated with the
 * shared zod schema, goes through the repository's single transactional
 * `applyChanges`, and refreshes this process's config cache immediately.
 */
import { z } from "zod";
import { AppError, isAppError } from "../errors";
import type { ApplySummary, ConfigRepo } from "../db/config-repo";
import { parseOrThrow } from "./field-errors";
import { providerSchema, serverSchema } from "./schema";
import type { ProviderView, ServerView } from "./model";
import { viewsToConfig } from "./yaml";

export type ConfigDeps = { repos: { config: ConfigRepo }; config: { refresh(): Promise<unknown> } };
export type Entity = "provider" | "server";

async function write(deps: ConfigDeps, run: () => Promise<ApplySummary>) {
  const summary = await run();
  await deps.config.refresh();
  return summary;
}

export async function getEntity(deps: ConfigDeps, entity: Entity, name: string): Promise<ProviderView | ServerView> {
  const view =
    entity === "provider" ? await deps.repos.config.getProvider(name) : await deps.repos.config.getServer(name);
  if (!view) throw new AppError("not_found", `${entity} "${name}" does not exist`);
  return view;
}

/** Create (`name` undefined: must not exist) or replace (`name` given: must exist, body name must match). */
export async function saveEntity(
  deps: ConfigDeps,
  entity: Entity,
  input: unknown,
  opts: { actor: string; name?: string },
) {
  const schema = entity === "provider" ? providerSchema : serverSchema;
  const value = parseOrThrow(schema, input, entity);
  const repo = deps.repos.config;
  const exists = entity === "provider" ? await repo.getProvider(value.name) : await repo.getServer(value.name);
  if (opts.name === undefined && exists)
    throw new AppError("conflict", `${entity} "${value.name}" already exists`, {
      fields: [{ path: "name", message: `a ${entity} named "${value.name}" already exists: choose another name` }],
    });
  if (opts.name !== undefined) {
    if (value.name !== opts.name) {
      throw new AppError("validation_failed", "renaming is not supported", {
        fields: [{ path: "name", message: `must be "${opts.name}" (create a new ${entity} to rename)` }],
      });
    }
    if (!exists) throw new AppError("not_found", `${entity} "${opts.name}" does not exist`);
  }
  const change =
    entity === "provider"
      ? { op: "upsert-provider" as const, value: value as z.output<typeof providerSchema>, at: [] }
      : { op: "upsert-server" as const, value: value as z.output<typeof serverSchema>, at: [] };
  await write(deps, () => repo.applyChanges([change], opts.actor, `${entity}.${opts.name ? "update" : "create"}`));
  return getEntity(deps, entity, value.name);
}

/**
 * `before` runs once the delete is known to be valid (a dry run), before it is applied: for work outside
 * the database, such as deleting a provider's clients at its IdP, that must not happen for a delete that
 * would be refused. If it throws, nothing is deleted.
 */
export async function deleteEntity(
  deps: ConfigDeps,
  entity: Entity,
  name: string,
  actor: string,
  opts: { before?: () => Promise<void> } = {},
) {
  const op = entity === "provider" ? ("delete-provider" as const) : ("delete-server" as const);
  const changes = [{ op, name, at: [] }];
  try {
    if (opts.before) {
      await deps.repos.config.applyChanges(changes, actor, `${entity}.delete`, { dryRun: true });
      await opts.before();
    }
    return await write(deps, () => deps.repos.config.applyChanges(changes, actor, `${entity}.delete`));
  } catch (e) {
    // "Still used by server x" is a conflict with other resources, not a bad request.
    if (isAppError(e) && e.code === "validation_failed")
      throw new AppError("conflict", e.fields?.[0]?.message ?? e.message, { fields: e.fields });
    throw e;
  }
}

/**
 * A small patch by dotted path, e.g. `{ set: { "oauth.includeClientIdInAudience": true } }`
 * or `{ append: { "oauth.audiences": "api://x" } }` — what the inspector's fixes send.
 */
export const patchSchema = z
  .strictObject({
    set: z.record(z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)*$/, "must be a dotted field path"), z.json()).optional(),
    append: z.record(z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)*$/, "must be a dotted field path"), z.json()).optional(),
  })
  .refine((p) => Object.keys(p.set ?? {}).length + Object.keys(p.append ?? {}).length > 0, "the patch is empty");
export type ConfigPatch = z.infer<typeof patchSchema>;

export function applyPatch(target: Record<string, unknown>, patch: ConfigPatch): Record<string, unknown> {
  const out = structuredClone(target);
  const walk = (path: string, leaf: (parent: Record<string, unknown>, key: string) => void) => {
    const keys = path.split(".");
    let node = out;
    for (const k of keys.slice(0, -1)) {
      if (k === "__proto__" || k === "constructor" || k === "prototype")
        throw new AppError("bad_request", `bad path ${path}`);
      const next = node[k];
      if (next === undefined) node[k] = {};
      else if (typeof next !== "object" || next === null || Array.isArray(next))
        throw new AppError("bad_request", `${path}: ${k} is not an object`);
      node = node[k] as Record<string, unknown>;
    }
    leaf(node, keys[keys.length - 1]);
  };
  for (const [path, value] of Object.entries(patch.set ?? {})) walk(path, (p, k) => (p[k] = value));
  for (const [path, value] of Object.entries(patch.append ?? {})) {
    walk(path, (p, k) => {
      const cur = p[k] ?? [];
      if (!Array.isArray(cur)) throw new AppError("bad_request", `${path} is not a list`);
      if (!cur.some((x) => JSON.stringify(x) === JSON.stringify(value))) p[k] = [...cur, value];
    });
  }
  return out;
}

export async function patchEntity(deps: ConfigDeps, entity: Entity, name: string, input: unknown, actor: string) {
  const patch = parseOrThrow(patchSchema, input, "patch");
  const view = await getEntity(deps, entity, name);
  const { providers, servers } = viewsToConfig(
    entity === "provider" ? [view as ProviderView] : [],
    entity === "server" ? [view as ServerView] : [],
  );
  const current = (entity === "provider" ? providers[0] : servers[0]) as Record<string, unknown>;
  return saveEntity(deps, entity, applyPatch(current, patch), { actor, name });
}
