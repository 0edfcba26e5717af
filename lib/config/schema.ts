/**
 * The one zod schema per shape. The YAML loader, the admin API and the console
 * forms all parse with these; docs/configuration.md is generated from them.
 * Secrets (`clientSecret`, `upstreamAuth.value`) are write-only: omitted means
 * "keep what is stored", `null` means "clear it".
 */
import { z } from "zod";
import { refusedLiteralHost } from "../net/address-policy";
import { parseAllowlistEntry } from "./redirect-allowlist-entries";

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const slugSchema = z
  .string()
  .regex(
    SLUG_RE,
    "must be a slug: lowercase letters, digits and '-', 1–63 characters, not starting or ending with '-'",
  );

/** Paths the gateway itself owns; a virtual server may not live under them. */
export const RESERVED_PREFIXES = [
  "/api",
  "/oauth",
  "/.well-known",
  "/_next",
  "/healthz",
  "/readyz",
  "/login",
  "/logout",
  "/metrics",
  "/forward-auth",
];

function checkHttpUrl(value: string, ctx: z.RefinementCtx, opts: { base?: boolean } = {}) {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: `not a valid URL: "${value}"` });
    return;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: `must be an http(s) URL, got "${u.protocol}"` });
  }
  if (u.username || u.password) ctx.addIssue({ code: "custom", message: "must not contain credentials" });
  if (u.hash) ctx.addIssue({ code: "custom", message: "must not contain a #fragment" });
  if (opts.base && u.search) ctx.addIssue({ code: "custom", message: "a base URL must not contain a ?query" });
}

export const httpUrlSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(2048)
  .superRefine((v, ctx) => checkHttpUrl(v, ctx));

/**
 * Where a virtual server proxies to. A host the outbound address policy always refuses (a
 * link-local or cloud-metadata IP literal, a metadata host name) is a field error here; host
 * names and the private-network switch are checked when the proxy connects (docs/security.md).
 */
const upstreamUrlSchema = httpUrlSchema.superRefine((v, ctx) => {
  let refused: string | undefined;
  try {
    refused = refusedLiteralHost(new URL(v));
  } catch {
    return; // reported by httpUrlSchema
  }
  if (refused) ctx.addIssue({ code: "custom", message: `${refused}: the gateway never proxies to it` });
});

/** A public base URL such as `https://mcp.example.com` or `https://gw.example.com/prefix`. */
export const baseUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((v, ctx) => checkHttpUrl(v, ctx, { base: true }))
  .transform((v) => v.replace(/\/+$/, ""));

export const scopeTokenSchema = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, "must be a scope token (printable ASCII, no spaces, quotes or backslashes)");

export const mcpPathSchema = z
  .string()
  .max(512)
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, "must be an absolute path of URL-safe characters, without query or fragment")
  .refine((p) => !p.endsWith("/") || p === "/", "must not end with '/'")
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), "must not contain '.' or '..' segments")
  .refine((p) => !p.includes("//"), "must not contain empty segments")
  .refine(
    (p) => !RESERVED_PREFIXES.some((r) => p === r || p.startsWith(r + "/")),
    `must not be under a reserved prefix (${RESERVED_PREFIXES.join(", ")})`,
  )
  .refine((p) => p !== "/", "must not be '/' (the console lives there)");

export const defaultServerPath = (name: string) => `/servers/${name}/mcp`;

export const providerKinds = ["generic", "keycloak", "auth0", "authentik", "entra", "okta"] as const;
export type ProviderKind = (typeof providerKinds)[number];

/** Asymmetric JWS algorithms only: HMAC with a public key and `none` are never accepted. */
export const jwsAlgorithms = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

/**
 * Per-provider overrides of the kind's built-in profile (lib/providers). With
 * kind `generic` these describe a new IdP entirely from config.
 */
export const profileOverridesSchema = z.strictObject({
  /** Where the IdP's discovery document lives, if not at the standard places. */
  discoveryUrl: httpUrlSchema.optional(),
  /** Does the IdP honour RFC 8707 `resource` (and put it into `aud`)? */
  resourceIndicators: z.boolean().optional(),
  /** Does the IdP put its client id into `aud` (Authentik-style)? */
  audienceIsClientId: z.boolean().optional(),
  /** Does the IdP support RFC 7591 dynamic registration? */
  dynamicRegistration: z.boolean().optional(),
  /** Drop `resource` from authorize/token requests (IdPs that reject it). */
  dropResource: z.boolean().optional(),
  /** Send the resource URL in this parameter instead (Auth0: `audience`). */
  audienceParam: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a parameter name")
    .optional(),
  /** Rewrite client scopes to IdP scopes (Entra: `read` → `api://…/read`). */
  scopeMap: z.record(scopeTokenSchema, z.string().max(512)).optional(),
  /** Extra fixed parameters added to the upstream authorize request. */
  extraAuthorizeParams: z.record(z.string().max(64), z.string().max(1024)).optional(),
});
export type ProfileOverrides = z.infer<typeof profileOverridesSchema>;

const secretInput = z.string().min(1, "must not be empty").max(4096).nullable().optional();

/** A DNS domain name such as `claude.ai` (lower-cased; no scheme, port, path or wildcard). */
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    "must be a domain name such as claude.ai (no scheme, port, path or wildcard)",
  );

/** A duration such as `90s`, `30m`, `72h` or `90d`, or `never` (kept as written; durationSeconds reads it). */
export const durationSchema = z
  .string()
  .trim()
  .regex(/^(?:\d{1,7}[smhd]|never)$/, 'must be like "30m", "72h", "90d" or "never"');

/** Seconds of a durationSchema value; null for `never`. */
export function durationSeconds(v: string): number | null {
  const m = /^(\d+)([smhd])$/.exec(v);
  return m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "s" | "m" | "h" | "d"] : null;
}

/**
 * Registered clients at the provider's facade (DCR, and clients known by a metadata document):
 * those never used within `expireUnusedAfter` and those idle for `expireIdleAfter` are deleted,
 * with the IdP client the gateway registered for them. Absent: 72h and 90d, no de-duplication.
 */
export const clientRegistrationsSchema = z.strictObject({
  expireUnusedAfter: durationSchema.default("72h"),
  expireIdleAfter: durationSchema.default("90d"),
  /** Identical public-client registrations (same metadata, same software) get the same client id. */
  deduplicate: z.boolean().default(false),
});

/**
 * Client ID metadata documents (CIMD) at the provider's facade: an https `client_id` names a
 * document the gateway fetches instead of a registration. Absent: on, any public host.
 */
export const cimdSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Client domains whose documents are accepted (each allows its subdomains too); empty = any. */
  allowedDomains: z.array(domainSchema).max(100).default([]),
});

export const providerSchema = z.strictObject({
  name: slugSchema,
  kind: z.enum(providerKinds).default("generic"),
  issuer: httpUrlSchema,
  jwksUrl: httpUrlSchema.optional(),
  clientId: z.string().trim().min(1).max(512).optional(),
  clientSecret: secretInput,
  scopes: z.array(scopeTokenSchema).max(50).default([]),
  /** Accepted signing algorithms (defaults: every asymmetric one). */
  algorithms: z.array(z.enum(jwsAlgorithms)).min(1).optional(),
  /** Allowed clock skew for exp/nbf/iat, in seconds. */
  clockSkewSeconds: z.number().int().min(0).max(300).default(60),
  /** Accept only RFC 9068 JWT access tokens (`typ: at+jwt`), for IdPs that also sign other JWTs. */
  requireAtJwt: z.boolean().optional(),
  overrides: profileOverridesSchema.optional(),
  clientIdMetadataDocuments: cimdSettingsSchema.optional(),
  clientRegistrations: clientRegistrationsSchema.optional(),
  /**
   * Serve the provider's facade at the root of this host as well (issuer `https://auth.example.com`,
   * with /.well-known/oauth-authorization-server, /authorize, /token, /register, /callback there):
   * for clients that drop the issuer's path. Protected-resource metadata then names it.
   */
  facadeUrl: baseUrlSchema
    .refine((u) => new URL(u).pathname === "/", "must be the root of a host, without a path (https://auth.example.com)")
    .optional(),
});
export type ProviderConfig = z.output<typeof providerSchema>;

/**
 * An allowed redirect URI: exact (loopback: any port, RFC 8252 §7.3), a preset name (claude,
 * chatgpt, vscode, cursor, loopback) or a prefix pattern https://<host>/<path>/* (see
 * lib/config/redirect-allowlist-entries.ts).
 */
export const redirectUriSchema = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .superRefine((v, ctx) => {
    const parsed = parseAllowlistEntry(v);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  });

export const enforcementModes = ["strict", "optional", "permissive"] as const;

export const serverOAuthSchema = z.strictObject({
  provider: slugSchema,
  mode: z.enum(["proxy", "direct"]).default("proxy"),
  enforcement: z.enum(enforcementModes).default("strict"),
  audiences: z.array(z.string().trim().min(1).max(2048)).max(50).default([]),
  includeClientIdInAudience: z.boolean().default(false),
  requiredScopes: z.array(scopeTokenSchema).max(50).default([]),
  allowedRedirectUris: z.array(redirectUriSchema).max(100).default([]),
});

const json: z.ZodType<unknown> = z.json();
/** Fields the gateway computes; `extra` may not override them. */
const COMPUTED_PRM_FIELDS = ["resource", "authorization_servers"];

export const resourceMetadataSchema = z.strictObject({
  resourceName: z.string().trim().min(1).max(200).optional(),
  scopesSupported: z.array(scopeTokenSchema).max(100).optional(),
  bearerMethodsSupported: z.array(z.enum(["header", "body"])).optional(),
  resourceDocumentation: httpUrlSchema.optional(),
  resourcePolicyUri: httpUrlSchema.optional(),
  resourceTosUri: httpUrlSchema.optional(),
  extra: z
    .record(z.string().min(1).max(100), json)
    .default({})
    .superRefine((extra, ctx) => {
      for (const k of Object.keys(extra)) {
        if (COMPUTED_PRM_FIELDS.includes(k)) {
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: `"${k}" is computed by the gateway and cannot be set here`,
          });
        }
      }
    }),
});
export type ResourceMetadataConfig = z.output<typeof resourceMetadataSchema>;

/** A static credential the gateway adds to upstream requests (never the client's token). */
export const upstreamAuthSchema = z.strictObject({
  header: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name")
    .refine(
      (h) => !/^(host|connection|content-length|transfer-encoding|cookie)$/i.test(h),
      "this header cannot be set",
    ),
  value: secretInput,
});

/**
 * Per-operation policy, rate limits and audit of a server (docs/policy.md). Patterns are globs:
 * `*` any run of characters (`/` included), `?` one character, everything else literal.
 */
export const globSchema = z
  .string()
  .min(1, "must not be empty")
  .max(512)
  .regex(/^[^\x00-\x1f\x7f]+$/, "must not contain control characters");

export const policyActions = ["allow", "deny", "require"] as const;

export const policyRuleSchema = z
  .strictObject({
    /** Names the rule in refusals, the audit trail and the inspector. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "must be 1–64 letters, digits, '_', '.', ':' or '-'"),
    description: z.string().max(500).optional(),
    /** MCP methods (`tools/call`, `resources/*`, …); every method when left out. */
    methods: z.array(globSchema).min(1).max(20).optional(),
    /** Operation names: tool or prompt name, resource URI. Left out: any operation, named or not. */
    names: z.array(globSchema).min(1).max(100).optional(),
    /** Who the rule is about; every condition given must hold. */
    caller: z
      .strictObject({
        /** Scopes the token holds (all of them). */
        scopes: z.array(scopeTokenSchema).min(1).max(50).optional(),
        subjects: z.array(globSchema).min(1).max(100).optional(),
        clients: z.array(globSchema).min(1).max(100).optional(),
        /** Claim name → patterns; the claim (a string, or any item of a list) must match one. */
        claims: z
          .record(z.string().min(1).max(100), z.array(globSchema).min(1).max(100))
          .refine((c) => Object.keys(c).length > 0, "must name at least one claim")
          .optional(),
      })
      .optional(),
    action: z.enum(policyActions),
    /** `require`: the scopes the operation needs (a token without them gets a step-up challenge). */
    scopes: z.array(scopeTokenSchema).min(1).max(50).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.action === "require" && !r.scopes)
      ctx.addIssue({ code: "custom", path: ["scopes"], message: 'is required when action is "require"' });
    if (r.action !== "require" && r.scopes)
      ctx.addIssue({ code: "custom", path: ["scopes"], message: 'is only used with action "require"' });
  });
export type PolicyRule = z.output<typeof policyRuleSchema>;

export const policySchema = z
  .strictObject({
    /** What happens to an operation no rule matches (housekeeping and list methods are always allowed). */
    default: z.enum(["allow", "deny"]).default("allow"),
    /** Ordered: the first rule that matches decides. */
    rules: z.array(policyRuleSchema).max(200).default([]),
    /** Scope hierarchy: a held key scope implies each listed scope (`admin: [read, write]`). */
    impliedScopes: z.record(scopeTokenSchema, z.array(scopeTokenSchema).min(1).max(50)).default({}),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.rules.forEach((r, i) => {
      const prev = seen.get(r.name);
      if (prev !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "name"],
          message: `duplicate rule name "${r.name}" (also rules[${prev}])`,
        });
      else seen.set(r.name, i);
    });
  });
export type PolicyConfig = z.output<typeof policySchema>;

const bucketFields = {
  /** Burst: requests allowed at once from a full bucket. */
  capacity: z.number().int().min(1).max(1_000_000),
  /** Sustained rate: tokens added back per second. */
  refillPerSecond: z.number().positive().max(100_000),
};

export const rateLimitsSchema = z
  .strictObject({
    /** Who a bucket belongs to: the token's subject, or its client id (either falls back to the other, then the peer address). */
    by: z.enum(["subject", "client"]).default("subject"),
    /** Every MCP message of a caller. */
    perCaller: z.strictObject(bucketFields).optional(),
    /** Calls of matching tools, one bucket per caller and tool (the first entry that matches applies). */
    perTool: z
      .array(z.strictObject({ names: z.array(globSchema).min(1).max(100), ...bucketFields }))
      .max(50)
      .default([]),
  })
  .refine((r) => r.perCaller || r.perTool.length > 0, "set perCaller, perTool, or both");
export type RateLimitsConfig = z.output<typeof rateLimitsSchema>;

export const auditSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Record tool-call arguments too (they may hold personal data). */
  arguments: z.boolean().default(false),
});

/** The three together, as the console's rules editor saves them (left out: none). */
export const serverOperationsSchema = z.strictObject({
  policy: policySchema.optional(),
  rateLimits: rateLimitsSchema.optional(),
  audit: auditSchema.optional(),
});

/** Caller conditions and step-up need a verified token: only `auth: oauth` has one. */
function checkPolicyAuth(s: { auth: string; policy?: PolicyConfig }, ctx: z.RefinementCtx) {
  if (s.auth === "oauth" || !s.policy) return;
  s.policy.rules.forEach((r, i) => {
    if (r.caller)
      ctx.addIssue({ code: "custom", path: ["policy", "rules", i, "caller"], message: 'needs auth "oauth"' });
    if (r.action === "require")
      ctx.addIssue({ code: "custom", path: ["policy", "rules", i, "action"], message: 'require needs auth "oauth"' });
  });
}

export const serverAuthModes = ["oauth", "passthrough", "none"] as const;

export const serverSchema = z
  .strictObject({
    name: slugSchema,
    path: mcpPathSchema.optional(),
    upstream: upstreamUrlSchema,
    auth: z.enum(serverAuthModes).default("oauth"),
    oauth: serverOAuthSchema.optional(),
    publicUrls: z.array(baseUrlSchema).max(20).default([]),
    /**
     * `path` (default): the server answers at its path on every host. `host`: only on the hosts of
     * its publicUrls, so servers on different hosts may share a path (each its own `https://<host>/mcp`).
     */
    routing: z.enum(["path", "host"]).optional(),
    resourceMetadata: resourceMetadataSchema.default({ extra: {} }),
    upstreamAuth: upstreamAuthSchema.optional(),
    /** Add X-Portcullis-Subject/-Client/-Scopes to upstream requests. */
    identityHeaders: z.boolean().default(true),
    /** Request bodies larger than this are refused with 413. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    /** Extra allowed browser Origins (the public URLs are always allowed). */
    allowedOrigins: z.array(baseUrlSchema).max(50).default([]),
    /** Per-operation rules (left out: every operation a valid token makes is allowed, as before). */
    policy: policySchema.optional(),
    rateLimits: rateLimitsSchema.optional(),
    audit: auditSchema.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.auth === "oauth" && !s.oauth) {
      ctx.addIssue({ code: "custom", path: ["oauth"], message: 'is required when auth is "oauth"' });
    }
    if (s.routing === "host" && s.publicUrls.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["routing"],
        message: 'routing "host" needs publicUrls: the server answers only on their hosts',
      });
    }
    const seen = new Set<string>();
    s.publicUrls.forEach((u, i) => {
      if (seen.has(u))
        ctx.addIssue({ code: "custom", path: ["publicUrls", i], message: `duplicate public URL "${u}"` });
      seen.add(u);
    });
    checkPolicyAuth(s, ctx);
  });
export type ServerConfig = z.output<typeof serverSchema>;

export const serverPath = (s: Pick<ServerConfig, "name" | "path">) => s.path ?? defaultServerPath(s.name);

/** The hosts (`host[:port]`, lower-case) a host-routed server owns; undefined for path routing. */
export const ownedHosts = (s: Pick<ServerConfig, "routing" | "publicUrls">): string[] | undefined =>
  s.routing === "host" ? [...new Set(s.publicUrls.map((u) => new URL(u).host.toLowerCase()))] : undefined;

export const configFileSchema = z.strictObject({
  providers: z.array(providerSchema).default([]),
  servers: z.array(serverSchema).default([]),
});
export type ConfigFile = z.output<typeof configFileSchema>;
