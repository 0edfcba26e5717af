/**
 * Admin view of the clients registered at a provider's facade (through DCR or
 * client-ID metadata documents): list them, and delete one that is no longer
 * wanted. What is returned never includes a secret: only whether the client
 * has one, and the id of the IdP client the gateway registered for it.
 *
 * Deleting a client whose IdP client the gateway registered at the IdP
 * deletes that one too (RFC 7592), first: if the IdP refuses or cannot be
 * reached, nothing is deleted and the error says so, unless the admin asks to
 * keep the IdP client. Deleting a provider does the same for all of its
 * clients before the provider goes.
 */
import { createClientLifecycleRepo } from "../db/client-lifecycle-repo";
import { createOAuthRepo } from "../db/oauth-repo";
import { AppError } from "../errors";
import type { ProviderClientsCleanup, IdpCleanupStatus } from "./cleanup-counts";
import type { Logger } from "../log";
import type { Runtime } from "../runtime/types";
import { DEFAULT_LIMITS } from "./context";
import type { OAuthClientRecord, OAuthStore } from "./store";
import { looksLikeClientIdUrl } from "./cimd/client-id-url";
import { clientRecordId, presentedClientId } from "./cimd/client-ids";
import { expiryCutoffs, isExpired, lifecyclePolicyOf, type ClientLifecycleStore } from "./client-lifecycle";
import type { ProviderSpec } from "../config/model";
import { deleteIdpRegistration, IdpDeleteError, type IdpDeleteResult, type IdpRegistration } from "./idp-registration";

/** The newest this many are listed (with the total): a console page, not an export. A provider may hold up to DEFAULT_LIMITS.maxClientsPerProvider. */
export const MAX_LISTED_CLIENTS = 500;

export type FacadeClientView = {
  clientId: string;
  /** `registered` (DCR, `pc_…`) or `metadata_document` (CIMD: the id is the document's URL). */
  kind: "registered" | "metadata_document";
  clientName: string | null;
  redirectUris: string[];
  tokenEndpointAuthMethod: string;
  hasSecret: boolean;
  /** The client the gateway registered at the IdP for this one, if any. */
  idpClientId: string | null;
  /** Whether the gateway can delete that IdP client at the IdP (RFC 7592). */
  idpDeletable: boolean;
  createdAt: string;
  /** The last time a token was issued to it; null: never. */
  lastUsedAt: string | null;
  /** It is past the provider's expiry rules and goes at the next sweep. */
  expired: boolean;
};

/** What GET /api/providers/<p>/clients answers. */
export type FacadeClientList = {
  clients: FacadeClientView[];
  total: number;
  /** Clients never used, and expired ones not swept yet (the rest are live). */
  neverUsed: number;
  expired: number;
};

export type ClientAdminDeps = {
  store: OAuthStore;
  /** Last use and expiry of the clients. */
  lifecycle: ClientLifecycleStore;
  providerExists(name: string): boolean;
  /** The provider's settings (expiry rules), when known. */
  providerSpec?(name: string): ProviderSpec | undefined;
  decrypt(enc: string): Promise<string>;
  deleteIdpClient(reg: IdpRegistration): Promise<IdpDeleteResult>;
  logger?: Pick<Logger, "info" | "warn">;
};

/**
 * The database-backed store (stateless, like the facade's), the IdP calls, and which providers exist:
 * the running config snapshot in the server, or (CLI, no snapshot) every provider the caller already checked.
 */
export function clientAdminDeps(
  src: Pick<Runtime, "db" | "secrets" | "env"> & { logger?: Logger; config?: Runtime["config"] },
): ClientAdminDeps {
  const config = src.config;
  return {
    store: createOAuthRepo(src.db),
    lifecycle: createClientLifecycleRepo(src.db),
    providerExists: (name) => (config ? config.current().providers.has(name) : true),
    providerSpec: (name) => config?.current().providers.get(name),
    decrypt: (enc) => src.secrets.decrypt(enc),
    deleteIdpClient: (reg) => deleteIdpRegistration(reg, { env: src.env }),
    logger: src.logger,
  };
}

/**
 * For `apply --prune` (CLI and the console's import): before providers are deleted, each one's clients'
 * IdP clients at the IdP, one provider after the other (see deleteProviderIdpClients). If the
 * IdP fails, the error says the file was not applied, how to keep the IdP clients in this context
 * (`keepHint`), and which providers already lost their clients.
 */
export function cleanUpBeforeProviderDeletes(deps: ClientAdminDeps, opts: { actor: string; keepHint: string }) {
  return async (providers: string[]): Promise<Record<string, ProviderClientsCleanup>> => {
    const cleaned: string[] = [];
    const counts: Record<string, ProviderClientsCleanup> = {};
    for (const p of providers) {
      try {
        const c = (counts[p] = await deleteProviderIdpClients(deps, p, {
          actor: opts.actor,
          wording: {
            lead: `the file was not applied: pruning provider "${p}", the identity provider's client`,
            keep: opts.keepHint,
          },
        }));
        if (c.deleted + c.already_gone > 0) cleaned.push(p);
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== "idp_unavailable" || cleaned.length === 0) throw e;
        const names = cleaned.map((n) => `"${n}"`).join(", ");
        throw new AppError(
          "idp_unavailable",
          `${e.message} The clients of ${names} were already deleted, here and at the identity provider.`,
        );
      }
    }
    return counts;
  };
}

/** What became of the client the gateway registered at the IdP (each status: cleanup-counts.ts). */
export type IdpCleanup = { status: IdpCleanupStatus; clientId?: string; message: string };

/** What DELETE /api/providers/<p>/clients/<id> answers. */
export type FacadeClientDeletion = { deleted: string; idp: IdpCleanup };

export async function listFacadeClients(
  deps: ClientAdminDeps & { now?: () => number },
  provider: string,
): Promise<FacadeClientList> {
  assertProvider(deps, provider);
  const cutoffs = expiryCutoffs(lifecyclePolicyOf(deps.providerSpec?.(provider) ?? {}), (deps.now ?? Date.now)());
  const [rows, counts] = await Promise.all([
    deps.store.listClients(provider, MAX_LISTED_CLIENTS),
    deps.lifecycle.counts(provider, cutoffs),
  ]);
  const uses = new Map((await deps.lifecycle.uses(rows.map((r) => r.clientId))).map((u) => [u.clientId, u]));
  return {
    clients: rows.map((c) => {
      const u = uses.get(c.clientId);
      return view(c, u?.lastUsedAt ?? null, u ? isExpired(u, cutoffs) : false);
    }),
    total: counts.total,
    neverUsed: counts.neverUsed,
    expired: counts.expired,
  };
}

export async function deleteFacadeClient(
  deps: ClientAdminDeps,
  provider: string,
  clientId: string,
  opts: { actor: string; keepIdpClients?: boolean },
): Promise<FacadeClientDeletion> {
  assertProvider(deps, provider);
  const notFound = () => new AppError("not_found", `provider "${provider}" has no registered client "${clientId}"`);
  const client = await deps.store.getClient(clientRecordId(provider, clientId));
  if (!client || client.providerName !== provider) throw notFound();
  const idp = await deleteClientEverywhere(deps, client, opts);
  if (!idp) throw notFound();
  return { deleted: clientId, idp };
}

/**
 * Deletes a client's IdP client at the IdP (when the gateway registered it and is not asked to keep
 * it), then the client here with an audit record. Throws IdpCleanupError, deleting nothing, when the
 * IdP fails; undefined when the client was already gone here.
 */
export async function deleteClientEverywhere(
  deps: ClientAdminDeps,
  client: OAuthClientRecord,
  opts: { actor: string; keepIdpClients?: boolean },
): Promise<IdpCleanup | undefined> {
  const idp = await cleanUpIdpClient(deps, client, opts.keepIdpClients === true);
  const audit = { actor: opts.actor, idp: { status: idp.status, ...(idp.clientId ? { clientId: idp.clientId } : {}) } };
  return (await deps.store.deleteClient(client.providerName, client.clientId, audit)) ? idp : undefined;
}

/** IdP calls in flight at once while a provider's clients are cleaned up: quick for hundreds, gentle on the IdP. */
const CLEANUP_CONCURRENCY = 8;
/** Clients may register while a cleanup runs; it lists again until none is left, at most this many times. */
const CLEANUP_PASSES = 3;

/** How a failed cleanup is reported: what was refused (ends before the IdP client's id), and how to keep the IdP clients. */
type CleanupWording = { lead: string; keep: string };

/**
 * Before a provider is deleted: each of its clients whose IdP client the gateway registered is deleted
 * at the IdP and then here, CLEANUP_CONCURRENCY at a time, listing again for clients that registered
 * meanwhile. At the first IdP failure no new call starts and this throws `idp_unavailable` (the caller
 * keeps the provider) saying what happened; the clients already deleted stay deleted, since their IdP clients
 * are gone. The other clients (none to delete at the IdP, or keepIdpClients) are counted and go with the provider.
 */
export async function deleteProviderIdpClients(
  deps: ClientAdminDeps,
  provider: string,
  opts: { actor: string; keepIdpClients?: boolean; wording?: CleanupWording },
): Promise<ProviderClientsCleanup> {
  const wording = opts.wording ?? {
    lead: `provider "${provider}" was not deleted: the identity provider's client`,
    keep: "delete the provider keeping its IdP clients (?idp=keep)",
  };
  assertProvider(deps, provider);
  const keep = opts.keepIdpClients === true;
  const counts: ProviderClientsCleanup = { none: 0, deleted: 0, already_gone: 0, kept: 0, unmanaged: 0 };
  const list = () => deps.store.listClients(provider, DEFAULT_LIMITS.maxClientsPerProvider);
  let failure: IdpCleanupError | undefined;
  let unexpected: unknown;

  let clients = await list();
  for (let pass = 1; ; pass++) {
    const managed = keep ? [] : clients.filter((c) => c.idpRegistration);
    if (managed.length === 0) break;
    if (pass > CLEANUP_PASSES) {
      throw new AppError(
        "conflict",
        `provider "${provider}" was not deleted: clients kept registering at its facade while their IdP clients were being deleted; retry`,
      );
    }
    let next = 0;
    const worker = async () => {
      while (next < managed.length && !failure && unexpected === undefined) {
        const c = managed[next++];
        try {
          const r = await cleanUpIdpClient(deps, c, false);
          counts[r.status]++;
          await deps.store.deleteClient(provider, c.clientId, {
            actor: opts.actor,
            idp: { status: r.status, clientId: r.clientId },
          });
        } catch (e) {
          if (e instanceof IdpCleanupError) failure ??= e;
          else unexpected ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CLEANUP_CONCURRENCY, managed.length) }, worker));
    if (unexpected !== undefined) throw unexpected;
    if (failure) {
      const done = counts.deleted + counts.already_gone;
      const left = (await list()).length;
      throw new AppError(
        "idp_unavailable",
        `${wording.lead} "${failure.idpClientId}" could not be deleted there: ${failure.reason}. ` +
          `${done ? `${done} of its clients were deleted before that, here and at the identity provider; ` : ""}${left} ${left === 1 ? "client remains" : "clients remain"} with the provider. ` +
          `${failure.retryable ? `Retry, or ${wording.keep}` : wording.keep[0].toUpperCase() + wording.keep.slice(1)} and remove them at the IdP yourself.`,
      );
    }
    clients = await list();
  }
  // What remains goes with the provider; count it by what becomes of its IdP client (no IdP call is made).
  for (const c of clients) counts[(await cleanUpIdpClient(deps, c, keep)).status]++;
  return counts;
}

/** The DELETE's `idp` query parameter: `delete` (the default) or `keep`. */
export function keepIdpClientsParam(value: string | null): boolean {
  if (value === null || value === "delete") return false;
  if (value === "keep") return true;
  throw new AppError("bad_request", `idp must be "delete" or "keep", not "${value.slice(0, 40)}"`);
}

/** The IdP did not delete a client's IdP client: which, why, and whether a retry can help. Nothing was deleted. */
export class IdpCleanupError extends AppError {
  constructor(
    readonly idpClientId: string,
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(
      "idp_unavailable",
      `the identity provider's client "${idpClientId}" was not deleted: ${reason}. Nothing was deleted; ${retryable ? "retry, or " : ""}delete the client here only (keep it at the IdP) and remove it there yourself`,
    );
  }
}

/** Deletes the IdP client at the IdP when the gateway can and should; throws IdpCleanupError (nothing deleted yet) when the IdP fails. */
async function cleanUpIdpClient(deps: ClientAdminDeps, c: OAuthClientRecord, keep: boolean): Promise<IdpCleanup> {
  const id = c.idpClientId;
  if (!id)
    return {
      status: "none",
      message: "The client used the provider's own IdP client: nothing to delete at the identity provider.",
    };
  if (keep)
    return {
      status: "kept",
      clientId: id,
      message: `The identity provider's client "${id}" was kept, as asked: remove it there if it is no longer wanted.`,
    };
  if (!c.idpRegistration) {
    return {
      status: "unmanaged",
      clientId: id,
      message: `The identity provider's client "${id}" stays registered there: the IdP gave the gateway no registration access token (RFC 7592) to delete it with. Remove it in the IdP's console.`,
    };
  }
  const failed = (why: string, retryable: boolean) => {
    deps.logger?.warn(
      { provider: c.providerName, clientId: c.clientId, idpClientId: id, reason: why },
      "client not deleted at the IdP",
    );
    return new IdpCleanupError(id, why, retryable);
  };
  let token: string;
  try {
    token = await deps.decrypt(c.idpRegistration.tokenEnc);
  } catch {
    throw failed("its registration access token cannot be decrypted (was the secret key replaced?)", false);
  }
  let result: IdpDeleteResult;
  try {
    result = await deps.deleteIdpClient({ uri: c.idpRegistration.uri, token });
  } catch (e) {
    if (!(e instanceof IdpDeleteError)) throw e;
    throw failed(e.message, e.retryable);
  }
  deps.logger?.info(
    { provider: c.providerName, clientId: c.clientId, idpClientId: id, result },
    "client deleted at the IdP",
  );
  return result === "deleted"
    ? { status: "deleted", clientId: id, message: `The identity provider's client "${id}" was deleted too.` }
    : {
        status: "already_gone",
        clientId: id,
        message: `The identity provider no longer knew its client "${id}": nothing was left to delete there.`,
      };
}

function assertProvider(deps: ClientAdminDeps, provider: string) {
  if (!deps.providerExists(provider)) throw new AppError("not_found", `provider "${provider}" does not exist`);
}

const view = (c: OAuthClientRecord, lastUsedAt: Date | null, expired: boolean): FacadeClientView => ({
  clientId: presentedClientId(c.clientId),
  kind: looksLikeClientIdUrl(c.clientId) ? "metadata_document" : "registered",
  clientName: c.clientName ?? null,
  redirectUris: c.redirectUris,
  tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
  hasSecret: c.clientSecretHash !== undefined,
  idpClientId: c.idpClientId ?? null,
  idpDeletable: c.idpRegistration !== undefined,
  createdAt: c.createdAt.toISOString(),
  lastUsedAt: lastUsedAt?.toISOString() ?? null,
  expired,
});
