/**
 * Builds the runtime: database (migrated), secret key, repositories, the
 * declarative config from PORTCULLIS_CONFIG, the bootstrap admin and the
 * in-memory config cache. Used by server.ts; the CLI uses `openDatabase`.
 */
import { readFileSync } from "node:fs";
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
import { createConfigCache } from "./config-cache";
import { createRequestLog } from "./request-log";
import type { Runtime } from "./types";
import { createTokenService } from "../tokens/token-service";
import { resolveJwksUrlWithSource } from "../providers";
import { createRoutes } from "../proxy/routes-service";

export type OpenDatabase = {
  target: DatabaseTarget;
  db: Db;
  secrets: SecretBox;
  config: ConfigRepo;
  admin: AdminRepo;
  keySource: string;
};

/** Migrates (idempotent, safe with concurrent starters) and opens the database. */
export async function openDatabase(
  env: Pick<Env, "DATABASE_URL" | "PORTCULLIS_SECRET_KEY">,
  logger?: Logger,
): Promise<OpenDatabase> {
  const target = parseDatabaseUrl(env.DATABASE_URL);
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
};

export async function createRuntime(env: Env, opts: RuntimeOptions = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(env.LOG_LEVEL);
  const store = await openDatabase(env, logger);

  if (env.PORTCULLIS_CONFIG) {
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
  // Hourly, on every replica (idempotent): expired console sessions, rate-limit buckets that are full again,
  // and the facade's expired pending authorizations. A failed sweep only delays cleanup (the next one
  // catches up): say so, and carry on.
  const sweepFailed = (what: string) => (e: unknown) =>
    logger.warn({ err: errorMessage(e) }, `hourly cleanup of ${what} failed`);
  const sweeper = setInterval(() => {
    store.admin.deleteExpiredSessions().catch(sweepFailed("expired sessions"));
    rateLimits.sweep().catch(sweepFailed("rate-limit buckets"));
    oauthStore.sweep(new Date(Date.now() - 60_000)).catch(sweepFailed("expired authorizations"));
  }, 3600_000);
  sweeper.unref();

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
    requestLog: createRequestLog(),
    startedAt: Date.now(),
    tokens: createTokenService({
      servers: () => config.current(),
      publicUrl: env.PUBLIC_URL,
      logger,
      resolveJwksUrl: (p) => resolveJwksUrlWithSource(p, { env }),
    }),
    routes: createRoutes(config, env, logger),
    async close() {
      clearInterval(sweeper);
      config.stop();
      await store.db.$disconnect();
    },
  };
}
