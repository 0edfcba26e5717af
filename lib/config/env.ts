/**
 * Environment variables (docs/configuration.md), parsed once at start with a
 * clear message for each bad value. Descriptions: field-docs.ts.
 */
import { z } from "zod";
import { validationError, zodFieldErrors } from "./field-errors";
import { baseUrlSchema, httpUrlSchema } from "./schema";
import { parseAllowedHost } from "../urls/allowed-hosts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** A flag that is on unless set to false/0/no. */
const boolOn = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => !(v === "false" || v === "0" || v === "no"));

const otlpUrl = z.preprocess((v) => (v === "" ? undefined : v), httpUrlSchema.optional());

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().optional(),
  // Empty means unset. (As a union with z.literal(""), a bad URL was reported only as "Invalid input".)
  PUBLIC_URL: z.preprocess((v) => (v === "" ? undefined : v), baseUrlSchema.optional()),
  /** Comma-separated IPs/CIDRs (or the word `loopback`) whose forwarding headers are honoured. */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /**
   * Comma-separated host names the gateway answers for, besides PUBLIC_URL's host, the servers'
   * publicUrls hosts and loopback names: `mcp.example.com`, `.example.com` (the domain and its
   * subdomains) or `*` (any host: turns the check off). Other hosts get 421 (docs/security.md).
   */
  ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const out: string[] = [];
      for (const raw of (v ?? "").split(",")) {
        if (!raw.trim()) continue;
        const p = parseAllowedHost(raw);
        if ("problem" in p) ctx.addIssue({ code: "custom", message: p.problem });
        else out.push(p.entry);
      }
      return out;
    }),
  PORTCULLIS_CONFIG: z.string().optional(),
  ADMIN_PASSWORD: z
    .string()
    .min(8, "must be at least 8 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  ADMIN_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** `auto`: readable lines on a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  PORTCULLIS_BLOCK_PRIVATE_NETWORK: bool,
  /** Hosts (`host` or `host:port`, comma-separated) whose client ID metadata documents may be on private addresses. */
  PORTCULLIS_CIMD_PRIVATE_HOSTS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const h of (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean))
        if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(h))
          ctx.addIssue({ code: "custom", message: `"${h}" is not a host or host:port` });
    }),
  /** How often expired facade clients are swept (each replica; deletions are idempotent). */
  PORTCULLIS_CLIENT_SWEEP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** 32 random bytes, base64url: encrypts secrets at rest. Default: data/secret.key. */
  PORTCULLIS_SECRET_KEY: z.string().optional(),
  /** Serve only the gateway (no Next.js console): used by tests and headless deployments. */
  PORTCULLIS_NO_CONSOLE: bool,
  /** How often replicas check the database for config changes. */
  PORTCULLIS_CONFIG_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  /** Time a client has to send a whole request, headers and body (responses are not limited); 0 = no limit. */
  PORTCULLIS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** Open client connections (SSE streams included) at most; past it new connections are closed. 0 = no limit. */
  PORTCULLIS_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  /** MCP audit trail: records older than this many days are deleted (hourly). */
  PORTCULLIS_AUDIT_RETENTION_DAYS: z.coerce.number().min(0.01).max(36_500).default(30),
  /** MCP audit trail: at most this many records are kept (the oldest go first). */
  PORTCULLIS_AUDIT_MAX_ROWS: z.coerce.number().int().min(1000).max(1_000_000_000).default(1_000_000),
  /** MCP audit trail: records waiting to be written; past this they are dropped and counted. */
  PORTCULLIS_AUDIT_QUEUE: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  /** How often each replica reports MCP rate-limit usage to PostgreSQL (the tolerance grows with it). */
  PORTCULLIS_RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** Prometheus metrics (`GET /metrics`); off: no registry, no counting. */
  PORTCULLIS_METRICS: boolOn,
  /** Standard OpenTelemetry variables: set, spans are exported over OTLP/HTTP (lib/tracing/setup.ts reads them). */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
  NODE_ENV: z.string().default("production"),
  /** A second listener for the console and the admin API (docs/operations.md); unset: everything on PORT. */
  ADMIN_PORT: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(0).max(65535).optional()),
  /** Address of the admin listener; default HOST. */
  ADMIN_HOST: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional()),
  /** Processes serving the public port: a number, or `auto` for one per CPU. */
  PORTCULLIS_WORKERS: z.preprocess(
    (v) => (v === "" || v === undefined ? "1" : v),
    z.union([z.literal("auto"), z.coerce.number().int().min(1).max(256)], {
      error: 'must be a whole number from 1 to 256, or "auto"',
    }),
  ),
  /** On SIGTERM, how long in-flight requests and streams may run before they are cut. */
  PORTCULLIS_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(20_000),
  /** On SIGTERM, how long to keep accepting connections (with /readyz at 503) before the listener closes. */
  PORTCULLIS_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
});
export type Env = z.output<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = envSchema.safeParse(source);
  if (!r.success) throw validationError(zodFieldErrors(r.error), "environment");
  return r.data;
}
