/**
 * The operations shared by `portcullis apply/export`, PORTCULLIS_CONFIG at boot,
 * and the console's import/export.
 */
import type { ConfigRepo, ApplySummary } from "../db/config-repo";
import { validateChanges } from "./changes";
import { validationError } from "./field-errors";
import { configFileToChanges, exportYaml, parseConfigFileDetailed } from "./yaml";

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
): Promise<ApplySummary & { idpClients?: U }> {
  const { file, errors, invalidProviderNames, invalidServerRefs } = parseConfigFileDetailed(text);
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
  const deleting = changes.flatMap((c) => (c.op === "delete-provider" ? [c.name] : []));
  if (!opts.dryRun && deleting.length > 0 && opts.beforeDeletingProviders) {
    await repo.applyChanges(changes, opts.actor, action, { dryRun: true });
    const idpClients = await opts.beforeDeletingProviders(deleting);
    return { ...(await repo.applyChanges(changes, opts.actor, action, {})), idpClients };
  }
  return repo.applyChanges(changes, opts.actor, action, { dryRun: opts.dryRun });
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
