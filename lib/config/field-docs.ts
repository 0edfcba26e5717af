/**
 * What each environment variable and config field means: the one source of
 * the descriptions in docs/configuration.md (npm run docs:config renders it).
 * Every field of the zod schemas needs an entry here, and every entry a field:
 * lib/config/reference.test.ts fails otherwise.
 * `default` documents a default applied outside the schema.
 */
export type FieldDoc = { description: string; default?: string };

export const ENV_DOCS: Record<string, FieldDoc> = {
  PORT: { description: "TCP port the gateway and console listen on (0: any free port)." },
  HOST: { description: "Address to listen on. Use `0.0.0.0` (or `::`) to accept connections from other hosts." },
  DATABASE_URL: {
    description:
      "`file:<path>` for the embedded SQLite database (a relative path is relative to the project directory, wherever the server or `portcullis` runs from), or `postgres://…` to share one database between replicas.",
    default: "`file:./data/portcullis.db`",
  },
  PUBLIC_URL: {
    description:
      "External base URL of the gateway (for example `https://mcp.example.com`), used in every URL it emits when a server has no matching `publicUrls` entry. Set it behind a TLS-terminating proxy.",
  },
  TRUSTED_PROXIES: {
    description:
      "Comma-separated IPs or CIDRs (or the word `loopback`) of the proxies whose `Forwarded` / `X-Forwarded-*` headers are honoured, for public URLs and for the per-client rate limits. List only your own proxies.",
  },
  ALLOWED_HOSTS: {
    description:
      "Comma-separated host names the gateway also answers for, besides `PUBLIC_URL`'s host, every server's `publicUrls` hosts and loopback names: `mcp.example.com`, `.example.com` (the domain and its subdomains), or `*` (turns the check off). Any other `Host` gets 421 (docs/security.md).",
  },
  PORTCULLIS_CONFIG: {
    description: "A YAML file (the format below) applied at every start, before the gateway serves traffic.",
  },
  ADMIN_PASSWORD: {
    description:
      "Password of the `admin` console user, set at every start. Unset: the first start prints a one-time password.",
  },
  ADMIN_TOKEN: {
    description: "A bearer token accepted on `/api/*` (`Authorization: Bearer …`), for scripts. Unset: sessions only.",
  },
  LOG_LEVEL: { description: "Level of the logs (pino) on standard output." },
  LOG_FORMAT: {
    description:
      "`json`: one JSON object per line; `pretty`: one readable line per event; `auto`: readable when standard output is a terminal, JSON otherwise.",
  },
  PORTCULLIS_BLOCK_PRIVATE_NETWORK: {
    description:
      "Forbid admin-configured URLs (IdP, JWKS, upstream) on loopback and private ranges. URLs supplied by clients never may reach them; link-local and cloud-metadata addresses are always blocked.",
    default: "`false`",
  },
  PORTCULLIS_CIMD_PRIVATE_HOSTS: {
    description:
      "Comma-separated hosts (`host` or `host:port`) whose client ID metadata documents may be fetched from private or loopback addresses, for private deployments and tests. Nothing else lets a client-supplied URL reach them. See docs/clients.md.",
  },
  PORTCULLIS_CLIENT_SWEEP_SECONDS: {
    description:
      "How often each replica deletes the facade clients past their provider's `clientRegistrations` expiry (with the IdP clients the gateway registered for them).",
  },
  PORTCULLIS_SECRET_KEY: {
    description:
      "32 random bytes, base64url: encrypts stored secrets. Unset: generated once into `secret.key` beside the SQLite file (`data/` with PostgreSQL). Set the same value on every replica.",
    default: "generated",
  },
  PORTCULLIS_NO_CONSOLE: {
    description: "Serve only the gateway: no console and no `/api` (a proxy-only replica).",
    default: "`false`",
  },
  PORTCULLIS_CONFIG_POLL_MS: {
    description: "How often each replica checks the database for configuration changes made elsewhere.",
  },
  PORTCULLIS_REQUEST_TIMEOUT_MS: {
    description:
      "Time a client has to send a whole request, headers and body; past it the gateway answers 408 and closes the connection. Responses (SSE streams, long tool calls) are not limited. `0` turns it off.",
  },
  PORTCULLIS_MAX_CONNECTIONS: {
    description:
      "Open client connections at most, SSE streams included; connections past it are closed at once (and logged). `0` turns the cap off.",
  },
  PORTCULLIS_AUDIT_RETENTION_DAYS: {
    description: "MCP audit trail: records older than this many days are deleted (hourly; fractions allowed).",
  },
  PORTCULLIS_AUDIT_MAX_ROWS: {
    description: "MCP audit trail: at most this many records are kept; the oldest go first.",
  },
  PORTCULLIS_AUDIT_QUEUE: {
    description:
      "MCP audit trail: records waiting to be written. Past it, new records are dropped and counted (a request never waits on the audit).",
  },
  PORTCULLIS_RATE_LIMIT_SYNC_MS: {
    description:
      "How often each replica reports MCP rate-limit usage to PostgreSQL and takes back the shared state; the limits' tolerance across replicas grows with it (docs/policy.md).",
  },
  PORTCULLIS_METRICS: {
    description:
      "Prometheus metrics at `GET /metrics`, for an admin (`Authorization: Bearer <ADMIN_TOKEN>` or a console session). `false`: no metrics are kept (see docs/observability.md).",
    default: "`true`",
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    description:
      "OpenTelemetry collector base URL (`http://collector:4318`): when set, spans are exported over OTLP/HTTP to `<url>/v1/traces`. The other standard `OTEL_*` variables apply (see docs/observability.md). Unset: no tracing.",
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    description: "The full OTLP/HTTP traces URL, instead of `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`.",
  },
  ADMIN_PORT: {
    description:
      "A second listener for the console, `/api` and `/metrics`; the public port then serves only MCP, the well-known documents, the OAuth facade and health (docs/operations.md). Unset: everything on `PORT`.",
  },
  ADMIN_HOST: { description: "Address of the admin listener.", default: "`HOST`" },
  PORTCULLIS_WORKERS: {
    description:
      "Processes serving the public port (node:cluster): a number, or `auto` (one per CPU). The console and admin API run once, in the primary (docs/operations.md).",
  },
  PORTCULLIS_DRAIN_TIMEOUT_MS: {
    description:
      "After `SIGTERM` and the listener closes, how long requests and SSE streams in flight may run before they are cut.",
  },
  PORTCULLIS_DRAIN_DELAY_MS: {
    description:
      "After `SIGTERM`, keep accepting connections this long while unready, so load balancers stop sending before the listener closes (an alternative to a `preStop` sleep).",
  },
  NODE_ENV: { description: "`production` unless set; `npm run dev` sets `development`." },
};

export const CONFIG_DOCS: Record<string, FieldDoc> = {
  "providers[].name": { description: "Unique slug; the facade lives at `/oauth/<name>/…`." },
  "providers[].kind": {
    description:
      "The IdP's profile of known quirks (see docs/providers/). `generic` follows the standards unless `overrides` say otherwise.",
  },
  "providers[].issuer": {
    description: "The issuer URL, exactly as the IdP writes it into `iss` (trailing slash included).",
  },
  "providers[].jwksUrl": {
    description: "Where the signing keys are. Default: `jwks_uri` from discovery, else the kind's convention.",
  },
  "providers[].clientId": {
    description: "A client pre-registered at the IdP, used by the facade when the IdP has no dynamic registration.",
  },
  "providers[].clientSecret": {
    description:
      "That client's secret. Write-only: stored encrypted, never returned or exported; leave it out to keep the stored value, `null` to clear it.",
  },
  "providers[].scopes": { description: "Scopes added to every authorization request sent to the IdP." },
  "providers[].algorithms": {
    description: "Accepted signing algorithms. Default: every asymmetric one; HMAC and `none` are never accepted.",
  },
  "providers[].clockSkewSeconds": { description: "Tolerance for `exp`, `nbf` and `iat`." },
  "providers[].requireAtJwt": {
    description:
      "Refuse access tokens whose header `typ` is not `at+jwt` (RFC 9068), so no other JWT the IdP signs is taken for an access token. Turn on when the IdP issues RFC 9068 tokens.",
  },
  "providers[].overrides.discoveryUrl": {
    description: "The IdP's discovery document, when it is not at a standard place.",
  },
  "providers[].overrides.resourceIndicators": {
    description: "Whether the IdP honours RFC 8707 `resource` and puts it into `aud`.",
  },
  "providers[].overrides.audienceIsClientId": {
    description: "Whether the IdP puts the client id into `aud` (Authentik, Entra).",
  },
  "providers[].overrides.dynamicRegistration": {
    description: "Whether the IdP supports RFC 7591 dynamic client registration.",
  },
  "providers[].overrides.dropResource": {
    description: "Remove `resource` from authorize and token requests (IdPs that reject it).",
  },
  "providers[].overrides.audienceParam": {
    description: "Send the client's resource in this parameter instead (Auth0: `audience`).",
  },
  "providers[].overrides.scopeMap": {
    description: "Client scope → IdP scope(s), for example `read: api://gateway/read`. An empty value drops the scope.",
  },
  "providers[].overrides.extraAuthorizeParams": {
    description: "Fixed parameters added to every authorization request sent to the IdP.",
  },
  "providers[].clientIdMetadataDocuments.enabled": {
    description:
      "Accept client ID metadata documents (CIMD): an https `client_id` names a document the gateway fetches instead of a registration. The facade metadata advertises it. See docs/clients.md.",
  },
  "providers[].clientIdMetadataDocuments.allowedDomains": {
    description:
      "Client domains whose documents are accepted, for example `claude.ai`, `vscode.dev`; each allows its subdomains. Empty: any public host.",
  },
  "providers[].clientRegistrations.expireUnusedAfter": {
    description:
      "A client (registered, or known by its metadata document) to which no token was issued within this time after it appeared is deleted, with the IdP client the gateway registered for it. `30m`, `72h`, `90d` or `never`.",
  },
  "providers[].clientRegistrations.expireIdleAfter": {
    description: "A client not used (no token issued) for this long is deleted the same way. `never` keeps them.",
  },
  "providers[].clientRegistrations.deduplicate": {
    description:
      "Identical public-client registrations (same metadata, same software) get the client id of the live one instead of a new one.",
  },
  "providers[].facadeUrl": {
    description:
      "Also serve this provider's facade at the root of this host: issuer `https://auth.example.com`, with `/.well-known/oauth-authorization-server`, `/authorize`, `/token`, `/register` and `/callback` there, for clients that drop the issuer's path (Claude Code). Protected-resource metadata then names it; register `<facadeUrl>/callback` at the IdP.",
  },
  "servers[].name": { description: "Unique slug." },
  "servers[].path": {
    description: "Where clients connect. Default: `/servers/<name>/mcp`. Not under a path the gateway owns.",
  },
  "servers[].upstream": { description: "The MCP server's Streamable HTTP endpoint." },
  "servers[].auth": {
    description:
      "`oauth`: the gateway validates tokens; `passthrough`: the upstream does its own auth and everything is forwarded unchanged; `none`: open.",
  },
  "servers[].oauth.provider": { description: "The provider whose tokens are accepted. Required with `auth: oauth`." },
  "servers[].oauth.mode": {
    description:
      "`proxy`: clients use the gateway's adapted authorization server for the provider; `direct`: the metadata points at the IdP.",
  },
  "servers[].oauth.enforcement": {
    description:
      "`strict` rejects missing and invalid tokens; `optional` lets requests without a token through; `permissive` only logs rejections.",
  },
  "servers[].oauth.audiences": { description: "Further accepted `aud` values, compared exactly." },
  "servers[].oauth.includeClientIdInAudience": {
    description: "Also accept tokens whose `aud` is the provider's client id (IdPs that ignore resource indicators).",
  },
  "servers[].oauth.requiredScopes": {
    description: "Scopes every token must carry; a missing one is answered `403 insufficient_scope`.",
  },
  "servers[].oauth.allowedRedirectUris": {
    description:
      "Redirect URIs facade clients may use (empty: no allowlist): exact URIs (loopback: any port, and `localhost`, `127.0.0.1`, `[::1]` are one host), presets `claude`, `chatgpt`, `vscode`, `cursor`, `loopback`, or prefix patterns `https://<host>/<path>/*`. See docs/clients.md.",
  },
  "servers[].routing": {
    description:
      "`path` (default): the server answers at its path on every host. `host`: only on the hosts of its `publicUrls`, so servers on different hosts may share a path such as `/mcp`.",
  },
  "servers[].publicUrls": {
    description:
      "External base URLs of the gateway for this server. Each gives its own `resource` and metadata document, and all are accepted audiences.",
  },
  "servers[].resourceMetadata.resourceName": { description: "RFC 9728 `resource_name`." },
  "servers[].resourceMetadata.scopesSupported": {
    description: "RFC 9728 `scopes_supported`. Default: the required scopes.",
  },
  "servers[].resourceMetadata.bearerMethodsSupported": {
    description: "RFC 9728 `bearer_methods_supported`. The gateway reads the `Authorization` header only.",
  },
  "servers[].resourceMetadata.resourceDocumentation": { description: "RFC 9728 `resource_documentation`." },
  "servers[].resourceMetadata.resourcePolicyUri": { description: "RFC 9728 `resource_policy_uri`." },
  "servers[].resourceMetadata.resourceTosUri": { description: "RFC 9728 `resource_tos_uri`." },
  "servers[].resourceMetadata.extra": {
    description:
      "Further metadata fields, merged as given (snake_case, as on the wire). `resource` and `authorization_servers` are computed and cannot be set.",
  },
  "servers[].upstreamAuth.header": {
    description: "Header of a static credential the gateway sends upstream. The client's token is never forwarded.",
  },
  "servers[].upstreamAuth.value": {
    description: "The credential. Write-only, like `clientSecret`.",
  },
  "servers[].identityHeaders": {
    description: "Send `X-Portcullis-Subject`, `-Client` and `-Scopes` (from the verified token) to the upstream.",
  },
  "servers[].maxBodyBytes": { description: "Larger request bodies are refused with `413`." },
  "servers[].allowedOrigins": {
    description: "Browser `Origin`s allowed besides the public URLs (others are refused, against DNS rebinding).",
  },
  "servers[].policy.default": {
    description:
      "`allow` or `deny`: what happens to an operation no rule matches. `initialize`, `ping`, notifications and the list methods are always allowed (docs/policy.md).",
  },
  "servers[].policy.rules[].name": {
    description: "Names the rule in refusals, the audit trail and the inspector; unique within the server.",
  },
  "servers[].policy.rules[].description": { description: "Free text for operators." },
  "servers[].policy.rules[].methods": {
    description:
      "MCP methods the rule applies to (globs, e.g. `tools/call`, `resources/*`); every method when left out.",
  },
  "servers[].policy.rules[].names": {
    description: "Operation names (globs): tool or prompt name, resource URI. Left out: any operation, named or not.",
  },
  "servers[].policy.rules[].caller.scopes": { description: "The token must hold all of these scopes." },
  "servers[].policy.rules[].caller.subjects": { description: "The token's `sub` must match one of these globs." },
  "servers[].policy.rules[].caller.clients": { description: "The token's client id must match one of these globs." },
  "servers[].policy.rules[].caller.claims": {
    description: "Claim name → globs: the claim (a string, or any item of a list, such as `groups`) must match one.",
  },
  "servers[].policy.rules[].action": {
    description:
      "`allow`, `deny` (403 with a JSON-RPC error naming the rule), or `require` (the operation needs `scopes`; a token without them gets a 403 `insufficient_scope` step-up challenge).",
  },
  "servers[].policy.rules[].scopes": { description: "With `action: require`: the scopes the operation needs." },
  "servers[].policy.impliedScopes": {
    description: "Scope hierarchy: a held key scope implies each listed scope (`admin: [read, write]`).",
  },
  "servers[].rateLimits.by": {
    description:
      "Whose bucket: `subject` (the token's `sub`) or `client` (its client id); either falls back to the other, then the client address.",
  },
  "servers[].rateLimits.perCaller.capacity": { description: "Burst: MCP messages a caller may send at once." },
  "servers[].rateLimits.perCaller.refillPerSecond": { description: "Sustained rate: messages per second per caller." },
  "servers[].rateLimits.perTool[].names": {
    description:
      "Tools (globs) this bucket applies to, one bucket per caller and tool; the first matching entry applies.",
  },
  "servers[].rateLimits.perTool[].capacity": { description: "Burst: calls of the tool a caller may make at once." },
  "servers[].rateLimits.perTool[].refillPerSecond": {
    description: "Sustained rate: calls per second per caller and tool.",
  },
  "servers[].audit.enabled": { description: "Record every MCP operation of this server in the audit trail." },
  "servers[].audit.arguments": {
    description: "Record tool-call arguments too (they may hold personal data).",
    default: "`false`",
  },
};
