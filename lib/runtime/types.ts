import type { Env } from "../config/env";
import type { Logger } from "../log";
import type { DatabaseTarget } from "../db/url";
import type { Db } from "../db/client";
import type { ConfigRepo } from "../db/config-repo";
import type { AdminRepo } from "../db/admin-repo";
import type { RateLimiter } from "../admin/rate-limit";
import type { SecretBox } from "../secrets/secret-box";
import type { TrustedProxies } from "../urls/trusted-proxies";
import type { ConfigCache } from "./config-cache";
import type { RequestLog } from "./request-log";

/**
 * Everything a running gateway holds, created once by server.ts (or the CLI)
 * and shared with Next's route handlers through `getRuntime()`. Route handlers
 * reach the database only through these objects, so Next never bundles Prisma.
 */
export interface Runtime {
  env: Env;
  logger: Logger;
  target: DatabaseTarget;
  db: Db;
  secrets: SecretBox;
  repos: { config: ConfigRepo; admin: AdminRepo };
  /** Per-client limits kept in the database, shared by every replica. */
  rateLimits: { registrations: RateLimiter; signIns: RateLimiter };
  config: ConfigCache;
  trustedProxies: TrustedProxies;
  requestLog: RequestLog;
  startedAt: number;
  /** Named services added by feature modules (token verifier, JWKS caches, OAuth facade…). */
  services: Map<string, unknown>;
  close(): Promise<void>;
}
