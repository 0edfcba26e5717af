/**
 * Builds the runtime: database (migrated), secret key, repositories, the
 * declarative config from PORTCULLIS_CONFIG, the bootstrap admin and the
 * in-memory config cache. Used by server.ts; the CLI uses `openDatabase`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../config/env";
import { AppError, errorMessage } from "../errors";
import { applyConfigText } from "../config/apply";
import { createLogger, type Logger } from "../log";
import { parseDatabaseUrl, redactDatabaseUrl, type DatabaseTarget } from "../db/url";
import { migrate } from "../db/migrate";
import { createPrisma, type Db } from "../db/client";
import { createConfigRepo, type ConfigRepo } from "../db/config-repo";
import { createAdminRepo, type AdminRepo } from "../db/admin-repo";
import { createRateLimitRepo } from "../db/rate-limit-repo";
import { createOAuthRepo } from "../db/oauth-repo";
import {
  AUTHORIZE_ADDRESS_LIMIT,
  AUTHORIZE_CLIENT_LIMIT,
  REGISTRATION_LIMIT,
  SIGN_IN_LIMIT,
  sharedRateLimiter,
} from "../admin/rate-limit";
import { createSecretBox, loadSecretKey, type SecretBox } from "../secrets/secret-box";
import { bootstrapAdmin } from "../admin/bootstrap";
import { parseTrustedProxies } from "../urls/trusted-proxies";
import { createBackground } from "./background";
import { createConfigCache } from "./config-cache";
import { createRequestLog, type RequestLog } from "./request-log";
import type { Runtime } from "./types";
import { createTokenService } from "../tokens/token-service";
import { resolveJwksUrlWithSource } from "../providers";
import { createRoutes } from "../proxy/routes-service";
import { createAuditRepo } from "../db/audit-repo";
import { createAuditWriter } from "../db/audit-writer";
import { createSharedMcpBuckets } from "../db/rate-limit-repo";
import { createAuditQueue } from "../audit/queue";
import { clientAdminDeps } from "../oauth/clients-admin";
import { expireClients } from "../oauth/client-expiry";
import { lifecyclePolicyOf } from "../oauth/client-lifecycle";
import { applyRetention } from "../audit/retention";
import { createMcpRateLimiter, type SharedBuckets } from "../rate-limit/limiter";
import { createMetrics } from "../metrics/metrics";
import { withRequestMetrics } from "../metrics/request-log";
import { tracedJwksFetcher, traceTokenService } from "../tracing/spans";

const HOUR_MS = 3600_000;

export type OpenDatabase = {
  target: DatabaseTarget;
  db: Db;
  secrets: SecretBox;
  config: ConfigRepo;
  admin: AdminRepo;
  keySource: string;
};

/**
 * Migrates (idempotent, safe with concurrent starters) and opens the database. `existing`: the database
 * and its secret key must exist already (read-only commands never create them).
 */
export async function openDatabase(
  env: Pick<Env, "DATABASE_URL" | "PORTCULLIS_SECRET_KEY">,
  logger?: Logger,
  opts: { existing?: boolean } = {},
): Promise<OpenDatabase> {
  const target = parseDatabaseUrl(env.DATABASE_URL);
  if (opts.existing) requireExisting(target, env.PORTCULLIS_SECRET_KEY);
  const result = await migrate(target);
  if (result.applied.length)
    logger?.info({ applied: result.applied, database: redactDatabaseUrl(target.url) }, "database migrated");
  const key = loadSecretKey(env.PORTCULLIS_SECRET_KEY, target.dataDir);
  if (key.source === "generated") {
    logger?.warn(
      { file: key.file },
      "generated a new secret key for encrypting secrets at rest; back it up (or set PORTCULLIS_SECRET_KEY)",
    );
  }
  if (target.kind === "postgres" && key.source !== "env") {
    logger?.warn("with PostgreSQL, set PORTCULLIS_SECRET_KEY to the same value on every replica");
  }
  const db = await createPrisma(target);
  const secrets = createSecretBox(key.key);
  return {
    target,
    db,
    secrets,
    config: createConfigRepo(db, secrets),
    admin: createAdminRepo(db),
    keySource: key.source,
  };
}

function requireExisting(target: DatabaseTarget, secretKeyEnv: string | undefined) {
  const hint =
    "start the gateway once (or run `portcullis migrate`), or set DATABASE_URL to the gateway's database (relative file: paths resolve against the project directory)";
  if (target.kind === "sqlite" && !existsSync(target.file))
    throw new AppError("storage_unavailable", `no database at ${target.file}: ${hint}`);
  const keyFile = join(target.dataDir, "secret.key");
  if (!secretKeyEnv && !existsSync(keyFile))
    throw new AppError(
      "storage_unavailable",
      `no secret key at ${keyFile} (and PORTCULLIS_SECRET_KEY is unset): set PORTCULLIS_SECRET_KEY to the gateway's key, or ${hint}`,
    );
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new AppError("bad_request", `cannot read PORTCULLIS_CONFIG ${path} (${errorMessage(e)})`, { cause: e });
  }
}

export type RuntimeOptions = {
  logger?: Logger;
  announce?: (msg: string) => void;
  /** Diagnostic commands (CLI) skip admin bootstrap: they must not print or reset passwords. */
  bootstrapAdmin?: boolean;
  /** Diagnostic commands (CLI) open an existing database only: they never create one or its secret key. */
  existingDatabase?: boolean;
  /** Apply PORTCULLIS_CONFIG (default true; worker processes leave it to the primary, which applied it once). */
  applyConfigFile?: boolean;
  /** Where the proxy records requests (default: an in-memory log; workers forward to the primary's). */
  requestLog?: RequestLog;
  /**
   * The clean-ups (sessions, buckets, authorizations, expired facade clients) and the audit retention
   * (default true). Worker processes and CLI commands leave them to the server's primary or only process:
   * once per replica is enough.
   */
  housekeeping?: boolean;
  /**
   * Where MCP rate limits are shared when the database does not share them (SQLite): a worker's are
   * its primary's (lib/rate-limit/cluster-buckets.ts). On PostgreSQL the database is always the store.
   */
  siblingBuckets?: SharedBuckets;
};

export async function createRuntime(env: Env, opts: RuntimeOptions = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(env.LOG_LEVEL, undefined, env.LOG_FORMAT);
  const store = await openDatabase(env, logger, { existing: opts.existingDatabase });

  if (env.PORTCULLIS_CONFIG && opts.applyConfigFile !== false) {
    const text = readConfigFile(env.PORTCULLIS_CONFIG);
    const summary = await applyConfigText(store.config, text, { actor: `config-file:${env.PORTCULLIS_CONFIG}` });
    logger.info({ file: env.PORTCULLIS_CONFIG, ...summary }, "applied declarative config");
  }

  const { oneTimePassword } =
    opts.bootstrapAdmin === false ? {} : await bootstrapAdmin(store.admin, env.ADMIN_PASSWORD);
  if (oneTimePassword) {
    (opts.announce ?? console.log)(
      `\n  Portcullis console sign-in (shown once): user "admin", password "${oneTimePassword}"\n  Set ADMIN_PASSWORD to choose your own.\n`,
    );
  }

  const config = await createConfigCache(store.config, { pollMs: env.PORTCULLIS_CONFIG_POLL_MS, logger });
  const rateLimits = createRateLimitRepo(store.db, store.target.kind);
  const oauthStore = createOAuthRepo(store.db);
  const background = createBackground(logger);
  // MCP audit trail and rate limits (docs/policy.md); limits are shared between replicas on PostgreSQL,
  // and between the workers of one replica through their primary on SQLite.
  const auditRepo = createAuditRepo(store.db);
  const auditWriter = createAuditWriter(store.target);
  const auditQueue = createAuditQueue({ store: auditWriter, capacity: env.PORTCULLIS_AUDIT_QUEUE, logger });
  const limiter = createMcpRateLimiter({
    shared: store.target.kind === "postgres" ? createSharedMcpBuckets(store.db) : opts.siblingBuckets,
    syncMs: env.PORTCULLIS_RATE_LIMIT_SYNC_MS,
    logger,
  });
  const retention = { days: env.PORTCULLIS_AUDIT_RETENTION_DAYS, maxRows: env.PORTCULLIS_AUDIT_MAX_ROWS };
  // Hourly, once per replica (idempotent across replicas; workers leave it to their primary): expired
  // console sessions, rate-limit buckets that are full again, the facade's expired pending authorizations
  // and the audit trail's retention (also a minute after start); and every PORTCULLIS_CLIENT_SWEEP_SECONDS,
  // each provider's expired facade clients, with the IdP clients the gateway registered for them. A failed
  // sweep only delays cleanup (the next one catches up): it is logged, and the others carry on.
  if (opts.housekeeping !== false) {
    background.every("session-sweep", HOUR_MS, () => store.admin.deleteExpiredSessions());
    background.every("rate-limit-bucket-sweep", HOUR_MS, () => rateLimits.sweep());
    background.every("authorization-sweep", HOUR_MS, () => oauthStore.sweep(new Date(Date.now() - 60_000)));
    const retain = () => applyRetention(auditRepo, retention);
    background.every("audit-retention", HOUR_MS, retain);
    background.after("audit-retention", 60_000, retain);
    const clients = clientAdminDeps({ db: store.db, secrets: store.secrets, env, logger, config });
    background.every("client-expiry", env.PORTCULLIS_CLIENT_SWEEP_SECONDS * 1000, async () => {
      for (const p of config.current().providers.values())
        await expireClients(clients, p.name, lifecyclePolicyOf(p), Date.now());
    });
  }

  const requestLog = opts.requestLog ?? createRequestLog();
  const metrics = env.PORTCULLIS_METRICS
    ? createMetrics({
        configVersion: () => config.current().version,
        databaseUp: () => config.database().ok,
        jwksAges: () =>
          [...config.current().providers.keys()].map((provider) => ({
            provider,
            ageMs: tokens.providerKeyStatus(provider)?.ageMs ?? null,
          })),
      })
    : undefined;
  const tokens = traceTokenService(
    createTokenService({
      servers: () => config.current(),
      publicUrl: env.PUBLIC_URL,
      logger,
      resolveJwksUrl: (p) => resolveJwksUrlWithSource(p, { env }),
      onJwksFetch: metrics?.jwksFetched,
      jwksFetcher: tracedJwksFetcher(),
    }),
  );

  return {
    env,
    logger,
    target: store.target,
    db: store.db,
    secrets: store.secrets,
    repos: { config: store.config, admin: store.admin },
    rateLimits: {
      registrations: sharedRateLimiter(rateLimits, "dcr", REGISTRATION_LIMIT),
      signIns: sharedRateLimiter(rateLimits, "sign-in", SIGN_IN_LIMIT),
      authorizeByAddress: sharedRateLimiter(rateLimits, "authorize-address", AUTHORIZE_ADDRESS_LIMIT),
      authorizeByClient: sharedRateLimiter(rateLimits, "authorize-client", AUTHORIZE_CLIENT_LIMIT),
    },
    config,
    trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES),
    requestLog: metrics ? withRequestMetrics(requestLog, metrics) : requestLog,
    startedAt: Date.now(),
    tokens,
    routes: createRoutes(config, env, logger),
    operations: { limiter, audit: auditQueue },
    audit: { queue: auditQueue, repo: auditRepo },
    metrics,
    serving: { listening: false, draining: false },
    background,
    async close() {
      background.close();
      config.stop();
      // What is queued is written before the database closes: the audit survives a restart.
      await Promise.all([auditQueue.stop(), limiter.stop()]).catch((e: unknown) =>
        logger.warn(
          { event: "shutdown_flush_failed", err: errorMessage(e) },
          "could not flush the audit queue or rate limits at shutdown",
        ),
      );
      await auditWriter.close();
      await store.db.$disconnect();
    },
  };
}
