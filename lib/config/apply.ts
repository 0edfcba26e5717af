/**
 * The operations shared by `portcullis apply/export`, PORTCULLIS_CONFIG at boot,
 * and the console's import/export.
 */
import type { ConfigRepo, ApplySummary } from "../db/config-repo";
import { validateChanges, type Change } from "./changes";
import { diffEntry, type FieldChange } from "./entity-diff";
import { validationError } from "./field-errors";
import { providerSpec, serverSpec } from "./model";
import { providerSchema, serverSchema } from "./schema";
import { configFileToChanges, exportYaml, parseConfigFileDetailed, viewsToConfig } from "./yaml";

export type ApplyResult<U = never> = ApplySummary & {
  idpClients?: U;
  /** Per updated entry (`server/fetcher`), what changes field by field. */
  fieldChanges?: Record<string, FieldChange[]>;
};

/**
 * Validates the whole file (each entry, then every cross-reference against the
 * database) and applies it in one transaction; any error → nothing applied, and
 * every error is reported by path.
 */
export async function applyConfigText<U = never>(
  repo: ConfigRepo,
  text: string,
  opts: {
    prune?: boolean;
    actor: string;
    dryRun?: boolean;
    /**
     * Work outside the database before providers are deleted (their clients at the IdP). Runs after a dry
     * run proved the whole apply valid; if it throws, nothing is applied. What it returns is reported as
     * the summary's `idpClients`.
     */
    beforeDeletingProviders?: (names: string[]) => Promise<U>;
  },
): Promise<ApplyResult<U>> {
  const { file, errors, invalidProviderNames, invalidServerRefs, raw } = parseConfigFileDetailed(text);
  const state = await repo.stateIndex();
  const changes = configFileToChanges(file, {
    prune: opts.prune,
    existing: { providers: state.providers, servers: state.servers.keys() },
  });
  // Invalid provider entries were reported already; don't also call references to them unknown.
  const providers = new Set([...state.providers, ...invalidProviderNames]);
  for (const p of file.providers) providers.add(p.name);
  const refErrors = invalidServerRefs
    .filter((r) => !providers.has(r.provider))
    .map((r) => ({ path: `servers[${r.index}].oauth.provider`, message: `unknown provider "${r.provider}"` }));
  const all = [...errors, ...refErrors, ...validateChanges(changes, { ...state, providers })];
  if (all.length) throw validationError(sortByPath(all));
  const action = opts.prune ? "config.apply.prune" : "config.apply";
  const diffs = await fieldChangesOf(repo, changes, raw);
  const withDiffs = (summary: ApplySummary): ApplyResult<U> => {
    const fieldChanges = Object.fromEntries(summary.updated.flatMap((l) => (diffs.has(l) ? [[l, diffs.get(l)!]] : [])));
    return Object.keys(fieldChanges).length ? { ...summary, fieldChanges } : summary;
  };
  const deleting = changes.flatMap((c) => (c.op === "delete-provider" ? [c.name] : []));
  if (!opts.dryRun && deleting.length > 0 && opts.beforeDeletingProviders) {
    await repo.applyChanges(changes, opts.actor, action, { dryRun: true });
    const idpClients = await opts.beforeDeletingProviders(deleting);
    return { ...withDiffs(await repo.applyChanges(changes, opts.actor, action, {})), idpClients };
  }
  return withDiffs(await repo.applyChanges(changes, opts.actor, action, { dryRun: opts.dryRun }));
}

/** Field-level changes of every upsert of an existing entry, by label (`provider/kc`), secrets by name only. */
async function fieldChangesOf(
  repo: ConfigRepo,
  changes: Change[],
  raw: { providers: unknown[]; servers: unknown[] },
): Promise<Map<string, FieldChange[]>> {
  const out = new Map<string, FieldChange[]>();
  if (!changes.some((c) => c.op === "upsert-provider" || c.op === "upsert-server")) return out;
  const [providers, servers] = await Promise.all([repo.listProviders(), repo.listServers()]);
  const stored = viewsToConfig(providers, servers);
  const entryAt = (at: PropertyKey[]) => (at[0] === "providers" ? raw.providers : raw.servers)[at[1] as number];
  const secretChange = (path: string, given: unknown, wasSet: boolean, dropped = false): FieldChange[] =>
    typeof given === "string"
      ? [{ path, secret: "set" }]
      : wasSet && (given === null || dropped)
        ? [{ path, secret: "cleared", ...(given === null ? {} : { omitted: true as const }) }]
        : [];
  for (const c of changes) {
    if (c.op === "upsert-provider") {
      const i = providers.findIndex((p) => p.name === c.value.name);
      if (i < 0) continue;
      const entry = entryAt(c.at) as { clientSecret?: unknown } | undefined;
      out.set(`provider/${c.value.name}`, [
        ...diffEntry(stored.providers[i], providerSpec(c.value), entry, providerSchema),
        ...secretChange("clientSecret", entry?.clientSecret, providers[i].clientSecretSet),
      ]);
    } else if (c.op === "upsert-server") {
      const i = servers.findIndex((x) => x.name === c.value.name);
      if (i < 0) continue;
      const entry = entryAt(c.at) as { upstreamAuth?: { value?: unknown } } | undefined;
      out.set(`server/${c.value.name}`, [
        ...diffEntry(stored.servers[i], serverSpec(c.value), entry, serverSchema),
        ...secretChange(
          "upstreamAuth.value",
          entry?.upstreamAuth?.value,
          servers[i].upstreamAuthValueSet,
          !c.value.upstreamAuth,
        ),
      ]);
    }
  }
  return out;
}

const sortByPath = <T extends { path: string }>(xs: T[]) =>
  xs
    .map((x, i) => ({ x, i, k: x.path.replace(/\[(\d+)\]/g, (_, n) => `[${n.padStart(6, "0")}]`) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((e) => e.x);

export async function exportConfigText(repo: ConfigRepo): Promise<string> {
  const [providers, servers] = await Promise.all([repo.listProviders(), repo.listServers()]);
  return exportYaml(providers, servers);
}
