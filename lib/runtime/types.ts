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
import type { TokenService } from "../tokens/token-service";
import type { Routes } from "../proxy/routes-service";
import type { GateDeps } from "../mcp/gate";
import type { AuditQueue } from "../audit/queue";
import type { AuditRepo } from "../db/audit-repo";
import type { McpRateLimiter } from "../rate-limit/limiter";
import type { Metrics } from "../metrics/metrics";
import type { ServingState } from "../http/health";

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
  rateLimits: {
    registrations: RateLimiter;
    signIns: RateLimiter;
    /** Facade /authorize, per client address and per client id. */
    authorizeByAddress: RateLimiter;
    authorizeByClient: RateLimiter;
  };
  config: ConfigCache;
  trustedProxies: TrustedProxies;
  requestLog: RequestLog;
  startedAt: number;
  /** The one token service (JWKS caches, verdict cache) shared by the proxy, the inspector and the CLI. */
  tokens: TokenService;
  /** The compiled route table, recompiled on every config reload. */
  routes: Routes;
  /** MCP rate limits and audit queue, used by the proxy's operation gate (lib/mcp/gate.ts). */
  operations: GateDeps & { limiter: McpRateLimiter };
  /** The MCP audit trail: its store (queries, export) and write queue (status). */
  audit: { queue: AuditQueue; repo: AuditRepo };
  /** Prometheus metrics; undefined when PORTCULLIS_METRICS=false. */
  metrics?: Metrics;
  /** Whether this process is listening or draining (for /readyz and the console). */
  serving: ServingState;
  close(): Promise<void>;
}
