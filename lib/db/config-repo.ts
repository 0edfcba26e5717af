/**
 * Prisma-backed store of providers and servers. Every write goes through
 * `applyChanges`: one transaction that re-reads the state, validates all
 * cross-references, writes, bumps the config version and records an audit event.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../errors";
import { validateChanges, type Change, type StateIndex } from "../config/changes";
import { validationError } from "../config/field-errors";
import { ownedHosts } from "../config/schema";
import {
  providerSpec,
  serverSpec,
  effectivePath,
  type ConfigSnapshot,
  type ProviderSpec,
  type ProviderView,
  type RuntimeProvider,
  type RuntimeServer,
  type ServerSpec,
  type ServerView,
} from "../config/model";
import type { ProviderConfig, ServerConfig } from "../config/schema";
import type { SecretBox } from "../secrets/secret-box";
import type { Db } from "./client";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type ApplySummary = {
  version: number;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
};

/** Secret updates: undefined keeps what is stored, null clears, a string replaces. */
type SecretUpdate = { set: string; plain: string } | { clear: true } | undefined;

function secretUpdate(v: string | null | undefined): { clear: true } | { set: string } | undefined {
  return v === undefined ? undefined : v === null ? { clear: true } : { set: v };
}
const CONFIG_STATE_ID = 1;

/** JSON with keys sorted: PostgreSQL's JSONB does not keep key order, so compare canonically. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1)))
      : val,
  );
}
const sameSpec = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** One entity's upsert: its stored row, and how to create or update it. The secret column is the only difference. */
type Upsert = {
  label: string;
  spec: unknown;
  /** The secret as sent: undefined keeps what is stored. */
  secret: SecretUpdate;
  read(): Promise<{ spec: unknown; secretEnc: string | null } | null>;
  create(secretEnc: string | null): Promise<unknown>;
  /** `secretEnc` undefined leaves the stored secret as it is. */
  update(secretEnc: string | null | undefined): Promise<unknown>;
};

function providerUpsert(tx: Tx, value: ProviderConfig, secret: SecretUpdate): Upsert {
  const spec = providerSpec(value);
  const where = { name: spec.name };
  const columns = { kind: spec.kind, spec };
  return {
    label: `provider/${spec.name}`,
    spec,
    secret,
    read: async () => {
      const r = await tx.provider.findUnique({ where });
      return r && { spec: r.spec, secretEnc: r.clientSecretEnc };
    },
    create: (enc) =>
      tx.provider.create({ data: { id: randomUUID(), name: spec.name, ...columns, clientSecretEnc: enc } }),
    update: (enc) =>
      tx.provider.update({ where, data: { ...columns, ...(enc === undefined ? {} : { clientSecretEnc: enc }) } }),
  };
}

function serverUpsert(tx: Tx, value: ServerConfig, secret: SecretUpdate): Upsert {
  const spec = serverSpec(value);
  const where = { name: spec.name };
  const columns = {
    path: effectivePath(spec),
    providerName: spec.auth === "oauth" ? (spec.oauth?.provider ?? null) : null,
    spec: spec as object,
  };
  return {
    label: `server/${spec.name}`,
    spec,
    // Without upstreamAuth there is no credential to keep.
    secret: spec.upstreamAuth ? secret : { clear: true },
    read: async () => {
      const r = await tx.server.findUnique({ where });
      return r && { spec: r.spec, secretEnc: r.upstreamSecretEnc };
    },
    create: (enc) =>
      tx.server.create({ data: { id: randomUUID(), name: spec.name, ...columns, upstreamSecretEnc: enc } }),
    update: (enc) =>
      tx.server.update({ where, data: { ...columns, ...(enc === undefined ? {} : { upstreamSecretEnc: enc }) } }),
  };
}

export type ConfigRepo = ReturnType<typeof createConfigRepo>;

class DryRunRollback extends Error {
  constructor(readonly summary: ApplySummary) {
    super("dry run");
  }
}

export function createConfigRepo(db: Db, box: SecretBox) {
  async function stateIndex(tx: Tx | Db): Promise<StateIndex> {
    const [providers, servers] = await Promise.all([
      tx.provider.findMany({ select: { name: true } }),
      tx.server.findMany({ select: { name: true, path: true, providerName: true, spec: true } }),
    ]);
    return {
      providers: new Set(providers.map((p) => p.name)),
      servers: new Map(
        servers.map((s) => [
          s.name,
          { path: s.path, provider: s.providerName ?? undefined, hosts: ownedHosts(s.spec as ServerSpec) },
        ]),
      ),
    };
  }

  async function bumpVersion(tx: Tx): Promise<number> {
    const row = await tx.configState.upsert({
      where: { id: CONFIG_STATE_ID },
      create: { id: CONFIG_STATE_ID, version: 1 },
      update: { version: { increment: 1 } },
    });
    return row.version;
  }

  async function version(): Promise<number> {
    const row = await db.configState.findUnique({ where: { id: CONFIG_STATE_ID } });
    return row?.version ?? 0;
  }

  const toProviderView = (r: { spec: unknown; clientSecretEnc: string | null; updatedAt: Date }): ProviderView => ({
    ...(r.spec as ProviderSpec),
    clientSecretSet: r.clientSecretEnc !== null,
    updatedAt: r.updatedAt.toISOString(),
  });
  const toServerView = (r: { spec: unknown; upstreamSecretEnc: string | null; updatedAt: Date }): ServerView => {
    const spec = r.spec as ServerSpec;
    return {
      ...spec,
      effectivePath: effectivePath(spec),
      upstreamAuthValueSet: r.upstreamSecretEnc !== null,
      updatedAt: r.updatedAt.toISOString(),
    };
  };

  /** Drops secret updates that would not change what is stored (same value, or clearing nothing). */
  async function effectiveSecretUpdate(upd: SecretUpdate, storedEnc: string | null): Promise<SecretUpdate> {
    if (!upd) return undefined;
    if ("clear" in upd) return storedEnc === null ? undefined : upd;
    if (storedEnc !== null && (await box.decrypt(storedEnc).catch(() => null)) === upd.plain) return undefined;
    return upd;
  }

  /** Creates, updates or leaves the entity, and says which in the summary. */
  async function upsert(u: Upsert, summary: ApplySummary): Promise<void> {
    const existing = await u.read();
    const secret = await effectiveSecretUpdate(u.secret, existing?.secretEnc ?? null);
    const secretEnc = secret === undefined ? undefined : "set" in secret ? secret.set : null;
    if (!existing) {
      await u.create(secretEnc ?? null);
      summary.created.push(u.label);
    } else if (sameSpec(existing.spec, u.spec) && secret === undefined) {
      summary.unchanged.push(u.label);
    } else {
      await u.update(secretEnc);
      summary.updated.push(u.label);
    }
  }

  return {
    version,
    stateIndex: () => stateIndex(db),

    async listProviders(): Promise<ProviderView[]> {
      return (await db.provider.findMany({ orderBy: { name: "asc" } })).map(toProviderView);
    },
    async getProvider(name: string): Promise<ProviderView | null> {
      const r = await db.provider.findUnique({ where: { name } });
      return r ? toProviderView(r) : null;
    },
    async listServers(): Promise<ServerView[]> {
      return (await db.server.findMany({ orderBy: { name: "asc" } })).map(toServerView);
    },
    async getServer(name: string): Promise<ServerView | null> {
      const r = await db.server.findUnique({ where: { name } });
      return r ? toServerView(r) : null;
    },

    /** Everything the hot path needs, secrets decrypted, at one version. */
    async loadSnapshot(): Promise<ConfigSnapshot> {
      const [v, providers, servers] = await db.$transaction([
        db.configState.findUnique({ where: { id: CONFIG_STATE_ID } }),
        db.provider.findMany(),
        db.server.findMany(),
      ]);
      const pmap = new Map<string, RuntimeProvider>();
      for (const p of providers) {
        const spec = p.spec as ProviderSpec;
        pmap.set(p.name, {
          ...spec,
          ...(p.clientSecretEnc ? { clientSecret: await box.decrypt(p.clientSecretEnc) } : {}),
        });
      }
      const smap = new Map<string, RuntimeServer>();
      for (const s of servers) {
        const spec = s.spec as ServerSpec;
        const value = s.upstreamSecretEnc ? await box.decrypt(s.upstreamSecretEnc) : undefined;
        smap.set(s.name, {
          ...spec,
          effectivePath: s.path,
          ...(spec.upstreamAuth ? { upstreamAuth: { header: spec.upstreamAuth.header, value } } : {}),
        });
      }
      return { version: v?.version ?? 0, loadedAt: Date.now(), providers: pmap, servers: smap };
    },

    /**
     * Validates and applies `changes` atomically. Throws a validation AppError
     * (every offending field by path) and writes nothing when any change is invalid.
     */
    async applyChanges(
      changes: Change[],
      actor: string,
      action = "config.apply",
      opts: { dryRun?: boolean } = {},
    ): Promise<ApplySummary> {
      // Encrypt outside the transaction: keep it short.
      const sealed = new Map<Change, SecretUpdate>();
      for (const c of changes) {
        const raw =
          c.op === "upsert-provider"
            ? c.value.clientSecret
            : c.op === "upsert-server"
              ? c.value.upstreamAuth?.value
              : undefined;
        const upd = secretUpdate(raw);
        sealed.set(c, upd && "set" in upd ? { set: await box.encrypt(upd.set), plain: upd.set } : upd);
      }
      return db
        .$transaction(async (tx) => {
          const errors = validateChanges(changes, await stateIndex(tx));
          if (errors.length) throw validationError(errors);
          const summary: ApplySummary = { version: 0, created: [], updated: [], deleted: [], unchanged: [] };

          // Providers first (servers reference them), server deletions before provider deletions.
          const order = (c: Change) =>
            ({ "upsert-provider": 0, "upsert-server": 1, "delete-server": 2, "delete-provider": 3 })[c.op];
          for (const c of [...changes].sort((a, b) => order(a) - order(b))) {
            if (c.op === "upsert-provider") await upsert(providerUpsert(tx, c.value, sealed.get(c)), summary);
            else if (c.op === "upsert-server") await upsert(serverUpsert(tx, c.value, sealed.get(c)), summary);
            else if (c.op === "delete-server") {
              const r = await tx.server.deleteMany({ where: { name: c.name } });
              if (r.count === 0) throw new AppError("not_found", `server "${c.name}" does not exist`);
              summary.deleted.push(`server/${c.name}`);
            } else {
              const r = await tx.provider.deleteMany({ where: { name: c.name } });
              if (r.count === 0) throw new AppError("not_found", `provider "${c.name}" does not exist`);
              summary.deleted.push(`provider/${c.name}`);
            }
          }

          const changed = summary.created.length + summary.updated.length + summary.deleted.length;
          // A dry run does all the work (so the database's own constraints are checked) and rolls back.
          if (opts.dryRun) throw new DryRunRollback(summary);
          summary.version = changed
            ? await bumpVersion(tx)
            : ((await tx.configState.findUnique({ where: { id: CONFIG_STATE_ID } }))?.version ?? 0);
          if (changed) {
            await tx.auditEvent.create({
              data: {
                id: randomUUID(),
                actor,
                action,
                target: [...summary.created, ...summary.updated, ...summary.deleted].slice(0, 20).join(", "),
                detail: {
                  created: summary.created,
                  updated: summary.updated,
                  deleted: summary.deleted,
                  version: summary.version,
                },
              },
            });
          }
          return summary;
        })
        .catch((e: unknown) => {
          if (e instanceof DryRunRollback) return e.summary;
          throw e;
        });
    },
  };
}
