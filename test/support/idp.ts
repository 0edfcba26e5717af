// A real OpenID Provider (oidc-provider 9) on a loopback port, shaped like the IdPs the gateway
// has to cope with. oidc-provider is mounted behind a tiny node:http wrapper that
//   - places it under the shape's path prefix (Keycloak realm, Authentik application, ...),
//   - serves discovery documents only where the real IdP serves them (404 elsewhere),
//   - rewrites parameters the way the real IdP treats them (drops `resource`, maps Auth0's
//     `audience`; Entra refuses `resource` and any resource scope not written api://<app>/<scope>),
//   - shapes access tokens like the real IdP's (Entra: `scp` string and `azp`; Okta: `scp` array
//     and `cid`), and
//   - implements scriptable login/consent interactions (JSON "pages", no HTML parsing).
// Access tokens are JWTs (RS256 by default, ES256 on request) verifiable with the JWKS.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { errors as oidcErrors } from "oidc-provider";
import { closeHttpServer, closeOnce, listenLoopback } from "./cleanup";

export type IdpShape = "standard" | "keycloak" | "authentik" | "auth0" | "entra" | "okta";

/** The directory (tenant) id in the Entra-shaped IdP's paths and issuer. */
export const ENTRA_TENANT = "5f0c2b1e-7a4d-4c1e-9b8a-3d2f6e0a1c77";
export type SigningAlg = "RS256" | "ES256";

export interface IdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  grantTypes: string[];
  tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post";
}

export interface StartIdpOptions {
  shape: IdpShape;
  /** Access-token signing algorithm (default RS256). ID tokens are always RS256. */
  alg?: SigningAlg;
  /** Redirect URIs of the pre-registered gateway client (can also be set later with setRedirectUris). */
  redirectUris?: string[];
  /** Gateway client id (default "portcullis-gateway"). */
  clientId?: string;
  /** Gateway client secret (default random). */
  clientSecret?: string;
  /** Token endpoint auth method registered for the gateway client (default client_secret_basic). */
  tokenEndpointAuthMethod?: "client_secret_basic" | "client_secret_post";
  /**
   * keycloak: fixed `aud` of every access token (default "account").
   * okta: the authorization server's audience (default "api://default").
   * auth0: the tenant's default audience, used when no `audience` parameter is sent (default none:
   *        client-credentials without `audience` is then refused like Auth0 does).
   * standard/authentik: ignored.
   */
  audience?: string | string[];
  /** standard only: restrict accepted `resource` values (default: any absolute URI). */
  allowedResources?: string[];
  /** standard only: resource used when the client sends none (default none -> opaque userinfo token). */
  defaultResource?: string;
  /** Scopes a resource server accepts (default mcp:read mcp:write read:all). */
  resourceScopes?: string[];
  /** Access-token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
  /** standard only: issuer path, e.g. "/tenant/acme" (default none). Exercises RFC 8414 path insertion. */
  issuerPath?: string;
  /** Override DCR availability (default: standard on, others off). */
  registration?: boolean;
  /** Require PKCE (S256) for every authorization request (default true). */
  pkceRequired?: boolean;
  /** Behave like an IdP without PKCE: drop code_challenge on authorize and code_verifier on token (implies pkceRequired false). */
  ignorePkce?: boolean;
  /**
   * When refresh tokens are issued: "always" (default: to every client allowed the grant, as real IdPs do), or
   * "offline_access" (oidc-provider's own rule: only for a granted offline_access, which it grants only with
   * prompt=consent).
   */
  refreshTokens?: "always" | "offline_access";
  /** Account id used by the scripted login when none is given (default "alice"). */
  defaultAccount?: string;
  /**
   * Port to listen on (default: a free one). Restarting an IdP on the port of one that was closed keeps
   * its issuer with new signing keys: an IdP restart with key rotation.
   */
  port?: number;
  /** Last-minute JWT access-token customisation (header/payload), e.g. for adversarial tokens. */
  customizeAccessToken?: (
    jwt: { header: Record<string, unknown>; payload: Record<string, unknown> },
    info: { clientId: string; resource?: string },
  ) => void;
  /** Extra/removed discovery fields (value undefined deletes the field). Applied after the shape's own edits. */
  metadataOverrides?: Record<string, unknown>;
}

export interface TokenResponse {
  status: number;
  body: Record<string, any>;
}

export interface Idp {
  shape: IdpShape;
  /** Exactly as the IdP puts it into `iss` (Authentik and Auth0: with a trailing slash). */
  issuer: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  jwksUrl: string;
  /** Where the OIDC discovery document lives for this shape. */
  discoveryUrl: string;
  /** RFC 8414 document URL, or undefined when the shape does not serve one. */
  oauthMetadataUrl: string | undefined;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint: string | undefined;
  /** Public JWKS as served. */
  jwks: { keys: JWK[] };
  clients: { gateway: IdpClient; minter: IdpClient };
  /** Log of every request the IdP received (method + path, path before any rewrite). */
  requests: { method: string; path: string; at: number }[];
  /** How many requests hit a given path (exact match), e.g. idp.count(new URL(idp.jwksUrl).pathname). */
  count(path: string): number;
  /** Replace the gateway client's (or another static client's) redirect URIs. */
  setRedirectUris(uris: string[], clientId?: string): Promise<void>;
  /** Register an extra client (confidential unless token_endpoint_auth_method is "none"). */
  addClient(metadata: Record<string, unknown>): Promise<void>;
  /** Whether the IdP knows this client (static, added or dynamically registered). */
  hasClient(clientId: string): Promise<boolean>;
  /** The redirect URIs the IdP holds for a client (undefined when it does not know it). */
  clientRedirectUris(clientId: string): Promise<string[] | undefined>;
  /** Client-credentials grant; returns the access token (a JWT). Throws with the IdP's error otherwise. */
  mintClientCredentialsToken(opts?: {
    clientId?: string;
    resource?: string;
    audience?: string;
    scope?: string;
  }): Promise<string>;
  /** Raw token request (form-encoded) with client_secret_basic auth for a known client. */
  tokenRequest(
    params: Record<string, string | undefined>,
    opts?: { clientId?: string; auth?: "basic" | "post" | "none" },
  ): Promise<TokenResponse>;
  /** Build an authorization URL for this IdP (PKCE values are not generated here: see pkcePair). */
  authorizeUrl(p: {
    clientId?: string;
    redirectUri: string;
    scope?: string;
    state?: string;
    codeChallenge?: string;
    codeChallengeMethod?: string;
    resource?: string;
    audience?: string;
    extra?: Record<string, string>;
  }): string;
  /** authorization_code exchange with the gateway client (or clientId/secret given). */
  exchangeCode(p: {
    code: string;
    redirectUri: string;
    codeVerifier?: string;
    clientId?: string;
    resource?: string;
    audience?: string;
  }): Promise<TokenResponse>;
  /** Scripted browser login against this IdP (see completeLogin). */
  completeLogin(authorizeUrl: string, opts?: CompleteLoginOptions): Promise<LoginResult>;
  close(): Promise<void>;
}

/** In-memory storage adapter (per IdP instance; silences oidc-provider's dev-adapter warning). */
function memoryAdapterFactory() {
  const store = new Map<string, { payload: Record<string, any>; expiresAt?: number }>();
  const grants = new Map<string, Set<string>>();
  const uids = new Map<string, string>();
  const userCodes = new Map<string, string>();
  return class MemoryAdapter {
    constructor(private readonly name: string) {}
    private key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: Record<string, any>, expiresIn?: number) {
      const key = this.key(id);
      store.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      if (payload.grantId) {
        const set = grants.get(payload.grantId) ?? new Set<string>();
        set.add(key);
        grants.set(payload.grantId, set);
      }
      if (payload.uid) uids.set(payload.uid, id);
      if (payload.userCode) userCodes.set(payload.userCode, id);
    }
    async find(id: string) {
      const e = store.get(this.key(id));
      if (!e) return undefined;
      if (e.expiresAt && e.expiresAt < Date.now()) {
        store.delete(this.key(id));
        return undefined;
      }
      return e.payload;
    }
    async findByUid(uid: string) {
      const id = uids.get(uid);
      return id ? this.find(id) : undefined;
    }
    async findByUserCode(code: string) {
      const id = userCodes.get(code);
      return id ? this.find(id) : undefined;
    }
    async consume(id: string) {
      const e = store.get(this.key(id));
      if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const key of grants.get(grantId) ?? []) store.delete(key);
      grants.delete(grantId);
    }
  };
}

const DEFAULT_RESOURCE_SCOPES = ["mcp:read", "mcp:write", "read:all"];
/** Pseudo resource used internally when a shape ignores RFC 8707 (the real aud comes from the shape). */
const SHAPE_RESOURCE = "urn:portcullis-test:shape-audience";
const STANDARD_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);
const PLACEHOLDER_REDIRECT = "http://127.0.0.1:9/redirect-uri-not-configured";
const INTERACTION_MARKER = "portcullisTestInteraction";

interface Layout {
  issuer: string;
  /** Path prefix stripped before handing the request to oidc-provider. */
  mount: string;
  routes: Record<string, string>;
  /** External path -> internal path (relative to mount). */
  aliases: Record<string, string>;
  /** Internal paths that must not be served (e.g. the mount's default discovery for Authentik). */
  blocked: Set<string>;
  discoveryPath: string;
  oauthMetadataPath?: string;
  registration: boolean;
  dropResource: boolean;
  /** Entra: `resource` is an error (AADSTS901002), and resource scopes must be api://<app>/<scope>. */
  strictEntraParams?: boolean;
  audienceParam: boolean;
  lenientClientAuth: boolean;
  jwtTyp?: string;
}

function layoutFor(opts: StartIdpOptions, origin: string): Layout {
  const reg = opts.registration;
  // What the vendor shapes share: no DCR unless asked, `resource` ignored, either client authentication accepted.
  const vendor = { registration: reg ?? false, dropResource: true, audienceParam: false, lenientClientAuth: true };
  switch (opts.shape) {
    case "standard": {
      const ip = (opts.issuerPath ?? "").replace(/\/+$/, "");
      if (ip && !ip.startsWith("/")) throw new Error("issuerPath must start with /");
      const oauthMetadataPath = `/.well-known/oauth-authorization-server${ip}`;
      return {
        issuer: origin + ip,
        mount: ip,
        routes: {},
        aliases: { [oauthMetadataPath]: "/.well-known/openid-configuration" },
        blocked: new Set(),
        discoveryPath: `${ip}/.well-known/openid-configuration`,
        oauthMetadataPath,
        registration: reg ?? true,
        dropResource: false,
        audienceParam: false,
        lenientClientAuth: false,
      };
    }
    case "keycloak": {
      const mount = "/realms/mcp";
      const oc = "/protocol/openid-connect";
      return {
        issuer: origin + mount,
        mount,
        routes: {
          authorization: `${oc}/auth`,
          token: `${oc}/token`,
          jwks: `${oc}/certs`,
          userinfo: `${oc}/userinfo`,
          end_session: `${oc}/logout`,
          registration: "/clients-registrations/openid-connect",
        },
        aliases: {},
        blocked: new Set(),
        discoveryPath: `${mount}/.well-known/openid-configuration`,
        ...vendor,
        jwtTyp: "JWT",
      };
    }
    case "authentik": {
      // Authentik: issuer /application/o/<slug>/, shared /application/o/{authorize,token,userinfo}/,
      // per-application /application/o/<slug>/{jwks,.well-known/openid-configuration}.
      const mount = "/application/o";
      return {
        issuer: `${origin}${mount}/mcp/`,
        mount,
        routes: {
          authorization: "/authorize/",
          token: "/token/",
          userinfo: "/userinfo/",
          jwks: "/mcp/jwks/",
          end_session: "/mcp/end-session/",
          registration: "/mcp/register/",
        },
        aliases: { [`${mount}/mcp/.well-known/openid-configuration`]: "/.well-known/openid-configuration" },
        blocked: new Set(["/.well-known/openid-configuration"]),
        discoveryPath: `${mount}/mcp/.well-known/openid-configuration`,
        ...vendor,
        jwtTyp: "JWT",
      };
    }
    case "auth0":
      return {
        issuer: `${origin}/`,
        mount: "",
        routes: {
          authorization: "/authorize",
          token: "/oauth/token",
          jwks: "/.well-known/jwks.json",
          userinfo: "/userinfo",
          end_session: "/oidc/logout",
          registration: "/oidc/register",
        },
        aliases: {},
        blocked: new Set(),
        discoveryPath: "/.well-known/openid-configuration",
        ...vendor,
        audienceParam: true,
        jwtTyp: "JWT",
      };
    case "entra": {
      // Entra v2: issuer /<tenant>/v2.0 and its discovery under it, but the endpoints at
      // /<tenant>/oauth2/v2.0/… and the keys at /<tenant>/discovery/v2.0/keys; no RFC 8414 document.
      const mount = `/${ENTRA_TENANT}`;
      return {
        issuer: `${origin}${mount}/v2.0`,
        mount,
        routes: {
          authorization: "/oauth2/v2.0/authorize",
          token: "/oauth2/v2.0/token",
          jwks: "/discovery/v2.0/keys",
          userinfo: "/openid/userinfo",
          end_session: "/oauth2/v2.0/logout",
          registration: "/register-unavailable",
        },
        aliases: { [`${mount}/v2.0/.well-known/openid-configuration`]: "/.well-known/openid-configuration" },
        blocked: new Set(["/.well-known/openid-configuration"]),
        discoveryPath: `${mount}/v2.0/.well-known/openid-configuration`,
        ...vendor,
        dropResource: false, // refused instead
        strictEntraParams: true,
        jwtTyp: "JWT",
      };
    }
    case "okta": {
      // Okta custom authorization server: everything under /oauth2/<server>, and both metadata
      // documents appended to the issuer (not RFC 8414's inserted form).
      const mount = "/oauth2/default";
      return {
        issuer: origin + mount,
        mount,
        routes: {
          authorization: "/v1/authorize",
          token: "/v1/token",
          jwks: "/v1/keys",
          userinfo: "/v1/userinfo",
          end_session: "/v1/logout",
          registration: "/v1/clients",
        },
        aliases: { [`${mount}/.well-known/oauth-authorization-server`]: "/.well-known/openid-configuration" },
        blocked: new Set(),
        discoveryPath: `${mount}/.well-known/openid-configuration`,
        ...vendor,
      };
    }
    default:
      throw new Error(`unknown IdP shape ${(opts as StartIdpOptions).shape}`);
  }
}

/** RFC 7636 S256 pair. */
export function pkcePair(): { verifier: string; challenge: string; method: "S256" } {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge, method: "S256" };
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > limit) throw new Error("body too large");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request object carrying a replaced body, for handing to oidc-provider (Koa) after a rewrite. */
function withBody(
  req: IncomingMessage,
  body: string,
  extraHeaders: Record<string, string | undefined> = {},
): IncomingMessage {
  const fake = new PassThrough() as unknown as IncomingMessage & Record<string, unknown>;
  const headers: Record<string, string | string[] | undefined> = { ...req.headers, ...extraHeaders };
  headers["content-length"] = String(Buffer.byteLength(body));
  delete headers["transfer-encoding"];
  for (const k of Object.keys(headers)) if (headers[k] === undefined) delete headers[k];
  Object.assign(fake, {
    headers,
    rawHeaders: [],
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
  });
  (fake as unknown as PassThrough).end(body);
  return fake;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(text);
}

export async function startIdp(opts: StartIdpOptions): Promise<Idp> {
  const alg: SigningAlg = opts.alg ?? "RS256";
  const resourceScopes = opts.resourceScopes ?? DEFAULT_RESOURCE_SCOPES;
  const ttl = opts.accessTokenTtl ?? 3600;
  const defaultAccount = opts.defaultAccount ?? "alice";

  // Keys: RSA always (ID tokens), EC P-256 when access tokens are ES256.
  const privateJwks: JWK[] = [];
  const publicJwks: JWK[] = [];
  const addKey = async (a: SigningAlg) => {
    const { privateKey, publicKey } = await generateKeyPair(a, { extractable: true });
    const kid = `${opts.shape}-${a.toLowerCase()}-${randomBytes(4).toString("hex")}`;
    privateJwks.push({ ...(await exportJWK(privateKey)), kid, alg: a, use: "sig" });
    publicJwks.push({ ...(await exportJWK(publicKey)), kid, alg: a, use: "sig" });
  };
  await addKey("RS256");
  if (alg === "ES256") await addKey("ES256");

  const requests: Idp["requests"] = [];
  // eslint-disable-next-line prefer-const -- set once the provider is built; the server starts before it
  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (!handler) return sendJson(res, 503, { error: "starting" });
    handler(req, res).catch((err) => {
      if (!res.headersSent)
        sendJson(res, 500, { error: "server_error", error_description: String(err?.message ?? err) });
      else res.destroy();
    });
  });
  const port = await listenLoopback(server, opts.port);
  const origin = `http://127.0.0.1:${port}`;
  const L = layoutFor(opts, origin);

  const gateway: IdpClient = {
    clientId: opts.clientId ?? "portcullis-gateway",
    clientSecret: opts.clientSecret ?? randomBytes(24).toString("base64url"),
    redirectUris: opts.redirectUris ?? [],
    grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
    tokenEndpointAuthMethod: opts.tokenEndpointAuthMethod ?? "client_secret_basic",
  };
  const minter: IdpClient = {
    clientId: "test-minter",
    clientSecret: randomBytes(24).toString("base64url"),
    redirectUris: [],
    grantTypes: ["client_credentials"],
    tokenEndpointAuthMethod: "client_secret_basic",
  };
  const known = new Map<string, IdpClient>([
    [gateway.clientId, gateway],
    [minter.clientId, minter],
  ]);
  const toMetadata = (c: IdpClient) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    // A code-flow client needs at least one redirect URI; until the test sets one, use a dead placeholder.
    redirect_uris:
      c.redirectUris.length || !c.grantTypes.includes("authorization_code") ? c.redirectUris : [PLACEHOLDER_REDIRECT],
    grant_types: c.grantTypes,
    response_types: c.grantTypes.includes("authorization_code") ? ["code"] : [],
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
  });

  const audienceFor = (resource: string, clientId: string): string | string[] => {
    switch (opts.shape) {
      case "standard":
      case "auth0":
        return resource;
      case "authentik":
      case "entra": // the API's application id: here the gateway's own app registration
        return clientId;
      case "keycloak":
        return opts.audience ?? "account";
      case "okta":
        return opts.audience ?? "api://default";
    }
  };
  // Entra knows an API's scopes only by their full name, api://<application id>/<scope>.
  const entraPrefix = `api://${gateway.clientId}/`;
  const idpResourceScopes = opts.shape === "entra" ? resourceScopes.map((s) => entraPrefix + s) : resourceScopes;

  const configuration = {
    // Static clients live in the adapter (memory) so redirect URIs can be changed at run time.
    clients: [],
    adapter: memoryAdapterFactory(),
    jwks: { keys: privateJwks },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
    },
    // Resource scopes are listed too, so DCR clients may register them in `scope` (the MCP SDK does).
    scopes: [...STANDARD_SCOPES, ...idpResourceScopes],
    routes: L.routes,
    clientBasedCORS: () => true,
    async findAccount(_ctx: unknown, sub: string) {
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: `Test user ${sub}`,
            preferred_username: sub,
            email: `${sub}@example.test`,
            email_verified: true,
          };
        },
      };
    },
    interactions: {
      url(_ctx: unknown, interaction: { uid: string }) {
        return `${L.mount}/interaction/${interaction.uid}`;
      },
    },
    pkce: { required: () => (opts.ignorePkce ? false : (opts.pkceRequired ?? true)) },
    // Real IdPs hand out refresh tokens to clients allowed to use them without OIDC's prompt=consent dance.
    issueRefreshToken: async (_ctx: unknown, client: any, code: any) =>
      client.grantTypeAllowed("refresh_token") &&
      (opts.refreshTokens !== "offline_access" || Boolean(code.scopes?.has("offline_access"))),
    ttl: {
      AccessToken: () => ttl,
      ClientCredentials: () => ttl,
      AuthorizationCode: () => 120,
      IdToken: () => 3600,
      Interaction: () => 600,
      Session: () => 3600,
      Grant: () => 3600,
      RefreshToken: () => 86400,
    },
    renderError(ctx: any, out: Record<string, unknown>) {
      ctx.type = "json";
      ctx.body = out;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      userinfo: { enabled: true },
      registration: { enabled: L.registration, initialAccessToken: false },
      // RFC 7592: registered clients can be read, updated and deleted with their registration access token.
      registrationManagement: { enabled: L.registration, rotateRegistrationAccessToken: false },
      resourceIndicators: {
        enabled: true,
        async defaultResource(_ctx: any) {
          if (opts.shape === "standard") return opts.defaultResource;
          if (opts.shape === "auth0") return undefined; // audience was already mapped to resource (or absent)
          return SHAPE_RESOURCE;
        },
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(_ctx: any, resourceIndicator: string, client: any) {
          if (
            opts.shape === "standard" &&
            opts.allowedResources &&
            !opts.allowedResources.includes(resourceIndicator)
          ) {
            throw new oidcErrors.InvalidTarget();
          }
          const aud = audienceFor(resourceIndicator, client.clientId);
          return {
            scope: idpResourceScopes.join(" "),
            audience: Array.isArray(aud) ? aud[0] : aud,
            accessTokenTTL: ttl,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg } },
          };
        },
      },
    },
    formats: {
      customizers: {
        async jwt(_ctx: any, token: any, jwt: { header?: Record<string, unknown>; payload: Record<string, unknown> }) {
          jwt.header = jwt.header ?? {};
          const clientId = token.clientId as string;
          const resource = (token.resourceServer?.identifier?.() ?? token.resource) as string | undefined;
          const aud = audienceFor(typeof resource === "string" ? resource : "", clientId);
          if (Array.isArray(aud) && opts.shape === "keycloak") jwt.payload.aud = aud;
          if (L.jwtTyp) jwt.header.typ = L.jwtTyp;
          if (opts.shape === "keycloak") {
            jwt.payload.typ = "Bearer";
            jwt.payload.azp = clientId;
            if (token.accountId) jwt.payload.preferred_username = token.accountId;
          } else if (opts.shape === "authentik") {
            jwt.payload.azp = clientId;
          } else if (opts.shape === "auth0") {
            jwt.payload.azp = clientId;
            if (!token.accountId) jwt.payload.gty = "client-credentials";
          } else if (opts.shape === "entra") {
            // Entra v2: scp holds the API's scope names without api://<app>/, the client is azp, no client_id.
            const granted = String(jwt.payload.scope ?? "")
              .split(" ")
              .filter(Boolean);
            delete jwt.payload.scope;
            delete jwt.payload.client_id;
            const scp = granted.filter((s) => s.startsWith(entraPrefix)).map((s) => s.slice(entraPrefix.length));
            if (scp.length) jwt.payload.scp = scp.join(" ");
            jwt.payload.azp = clientId;
            jwt.payload.tid = ENTRA_TENANT;
            jwt.payload.ver = "2.0";
          } else if (opts.shape === "okta") {
            // Okta: scp is an array, the client is cid, no client_id.
            jwt.payload.scp = String(jwt.payload.scope ?? "")
              .split(" ")
              .filter(Boolean);
            delete jwt.payload.scope;
            delete jwt.payload.client_id;
            jwt.payload.cid = clientId;
            jwt.payload.ver = 1;
          }
          opts.customizeAccessToken?.(jwt as { header: Record<string, unknown>; payload: Record<string, unknown> }, {
            clientId,
            resource,
          });
        },
      },
    },
  };

  const provider = new Provider(L.issuer, configuration);
  provider.proxy = false;
  for (const c of known.values()) await provider.Client.adapter.upsert(c.clientId, toMetadata(c));

  // Post-processing: shape discovery documents; Auth0 sends no `iss` authorization response parameter.
  provider.use(async (ctx: any, next: () => Promise<void>) => {
    await next();
    const route = ctx.oidc?.route;
    if (route === "discovery" && ctx.body && typeof ctx.body === "object") {
      if (opts.shape === "auth0") {
        // Auth0's discovery omits these (a well-known interop trap for MCP clients).
        delete ctx.body.code_challenge_methods_supported;
        delete ctx.body.authorization_response_iss_parameter_supported;
      }
      if (opts.shape === "keycloak" || opts.shape === "authentik") {
        ctx.body.code_challenge_methods_supported = ["plain", "S256"];
      }
      for (const [k, v] of Object.entries(opts.metadataOverrides ?? {})) {
        if (v === undefined) delete ctx.body[k];
        else ctx.body[k] = v;
      }
    }
    if (
      opts.shape === "auth0" &&
      (route === "authorization" || route === "resume") &&
      ctx.status >= 300 &&
      ctx.status < 400
    ) {
      const loc = ctx.response.get("location");
      if (loc) {
        try {
          const u = new URL(loc);
          if (u.searchParams.has("iss") && u.origin + u.pathname !== origin + L.mount) {
            u.searchParams.delete("iss");
            ctx.response.set("location", u.href);
          }
        } catch {
          /* relative (interaction) redirect: untouched */
        }
      }
    }
  });

  const callback = provider.callback();
  const routePath = (name: string) => provider.pathFor(name, { mountPath: "" }) as string;
  const authzPath = routePath("authorization");
  const tokenPath = routePath("token");

  // Parameter rewriting the way the real IdP behaves. Returns a form string or a Response-like refusal.
  const rewriteParams = (p: URLSearchParams, where: "authorize" | "token"): { error?: Record<string, string> } => {
    if (opts.ignorePkce) {
      p.delete("code_challenge");
      p.delete("code_challenge_method");
      p.delete("code_verifier");
    }
    if (L.strictEntraParams) {
      if (p.has("resource"))
        return {
          error: {
            error: "invalid_request",
            error_description: "AADSTS901002: The 'resource' request parameter is not supported.",
          },
        };
      const bad = (p.get("scope") ?? "")
        .split(" ")
        .find((s) => s && !STANDARD_SCOPES.has(s) && !s.startsWith("api://"));
      if (bad)
        return {
          error: {
            error: "invalid_scope",
            error_description: `AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope ${bad} is not valid.`,
          },
        };
    }
    if (L.dropResource) p.delete("resource");
    if (L.audienceParam) {
      let audience = p.get("audience") ?? undefined;
      p.delete("audience");
      if (!audience && opts.audience) audience = Array.isArray(opts.audience) ? opts.audience[0] : opts.audience;
      if (audience) p.set("resource", audience);
      else if (where === "token" && p.get("grant_type") === "client_credentials") {
        return {
          error: {
            error: "access_denied",
            error_description: "No audience parameter was provided, and no default audience has been configured",
          },
        };
      }
    }
    return {};
  };

  handler = async (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const path = url.pathname;
    requests.push({ method: req.method ?? "GET", path, at: Date.now() });

    // Scripted interactions (login + consent), outside oidc-provider.
    const im = path.startsWith(`${L.mount}/interaction/`) ? path.slice(`${L.mount}/interaction/`.length) : undefined;
    if (im !== undefined && /^[\w-]+$/.test(im)) return interaction(req, res, im);

    let internal: string | undefined;
    if (Object.prototype.hasOwnProperty.call(L.aliases, path)) internal = L.aliases[path];
    else if (L.mount === "" || path === L.mount || path.startsWith(`${L.mount}/`)) {
      internal = path.slice(L.mount.length) || "/";
      // oidc-provider also answers <mount>/.well-known/oauth-authorization-server; only the shape's
      // own RFC 8414 location (an alias above) may serve it.
      if (L.blocked.has(internal) || internal === "/.well-known/oauth-authorization-server") internal = undefined;
    }
    if (internal === undefined) return sendJson(res, 404, { error: "not_found", path });

    let search = url.search;
    let reqForProvider: IncomingMessage = req;
    if (L.dropResource || L.audienceParam || L.lenientClientAuth || L.strictEntraParams || opts.ignorePkce) {
      if (internal === authzPath && req.method === "GET") {
        const p = new URLSearchParams(url.search);
        const r = rewriteParams(p, "authorize");
        if (r.error) return sendJson(res, 400, r.error);
        search = p.size ? `?${p}` : "";
      } else if (
        (internal === tokenPath || internal === authzPath) &&
        req.method === "POST" &&
        String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
      ) {
        const p = new URLSearchParams((await readBody(req)).toString("utf8"));
        const extra: Record<string, string | undefined> = {};
        if (internal === tokenPath) {
          const r = rewriteParams(p, "token");
          if (r.error) return sendJson(res, L.strictEntraParams ? 400 : 403, r.error);
          // Keycloak/Authentik/Auth0 accept client_secret_post and client_secret_basic alike.
          const cid = p.get("client_id");
          const secret = p.get("client_secret");
          const c = cid ? known.get(cid) : undefined;
          if (
            L.lenientClientAuth &&
            c &&
            secret &&
            !req.headers.authorization &&
            c.tokenEndpointAuthMethod === "client_secret_basic"
          ) {
            p.delete("client_id");
            p.delete("client_secret");
            extra.authorization = basicAuth(cid!, secret);
          } else if (
            L.lenientClientAuth &&
            c &&
            req.headers.authorization &&
            c.tokenEndpointAuthMethod === "client_secret_post"
          ) {
            const creds = parseBasic(req.headers.authorization);
            if (creds) {
              p.set("client_id", creds.id);
              p.set("client_secret", creds.secret);
              extra.authorization = undefined;
            }
          }
        } else {
          const r = rewriteParams(p, "authorize");
          if (r.error) return sendJson(res, 400, r.error);
        }
        reqForProvider = withBody(req, p.toString(), extra);
      }
    }
    const originalUrl = L.mount + internal + search;
    (reqForProvider as any).originalUrl = originalUrl;
    reqForProvider.url = internal + search;
    await callback(reqForProvider, res);
  };

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    let details: any;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (err) {
      return sendJson(res, 400, {
        error: "invalid_request",
        error_description: `interaction: ${(err as Error).message}`,
      });
    }
    if (details.uid !== uid)
      return sendJson(res, 400, { error: "invalid_request", error_description: "interaction uid mismatch" });
    if (req.method === "GET") {
      return sendJson(res, 200, {
        [INTERACTION_MARKER]: true,
        uid,
        prompt: details.prompt.name,
        reasons: details.prompt.reasons,
        details: details.prompt.details,
        params: details.params,
        action: `${origin}${L.mount}/interaction/${uid}`,
      });
    }
    if (req.method !== "POST") return sendJson(res, 405, { error: "method_not_allowed" });
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    if (form.get("action") === "deny") {
      return provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "End-User denied the request" },
        { mergeWithLastSubmission: false },
      );
    }
    if (details.prompt.name === "login") {
      const accountId = form.get("login") || defaultAccount;
      return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    }
    if (details.prompt.name === "consent") {
      const accountId = details.session?.accountId;
      const clientId = details.params.client_id;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId, clientId });
      const d = details.prompt.details ?? {};
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(" "));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      if (d.missingResourceScopes) {
        for (const [indicator, scopes] of Object.entries(d.missingResourceScopes as Record<string, string[]>)) {
          grant.addResourceScope(indicator, scopes.join(" "));
        }
      }
      const grantId = await grant.save();
      const consent: Record<string, string> = {};
      if (!details.grantId) consent.grantId = grantId;
      return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    }
    return sendJson(res, 400, {
      error: "invalid_request",
      error_description: `unsupported prompt ${details.prompt.name}`,
    });
  }

  const discoveryUrl = origin + L.discoveryPath;
  const abs = (name: string) => `${origin}${L.mount}${routePath(name)}`;
  const close = closeOnce(`idp(${opts.shape})`, async () => {
    await closeHttpServer(server);
  });

  const clientFor = (clientId?: string): IdpClient => {
    const c = known.get(clientId ?? minter.clientId);
    if (!c) throw new Error(`unknown client ${clientId}`);
    return c;
  };

  const idp: Idp = {
    shape: opts.shape,
    issuer: L.issuer,
    origin,
    port,
    jwksUrl: abs("jwks"),
    discoveryUrl,
    oauthMetadataUrl: L.oauthMetadataPath ? origin + L.oauthMetadataPath : undefined,
    authorizationEndpoint: abs("authorization"),
    tokenEndpoint: abs("token"),
    registrationEndpoint: L.registration ? abs("registration") : undefined,
    jwks: { keys: publicJwks },
    clients: { gateway, minter },
    requests,
    count: (p) => requests.filter((r) => r.path === p).length,
    async setRedirectUris(uris, clientId) {
      const c = known.get(clientId ?? gateway.clientId);
      if (!c) throw new Error(`unknown client ${clientId}`);
      c.redirectUris = [...uris];
      await provider.Client.adapter.upsert(c.clientId, toMetadata(c));
    },
    async hasClient(clientId) {
      return Boolean(await provider.Client.find(clientId));
    },
    async clientRedirectUris(clientId) {
      const c = await provider.Client.find(clientId);
      return c ? [...(c.redirectUris as string[])] : undefined;
    },
    async addClient(metadata) {
      const id = String(metadata.client_id);
      const m: Record<string, unknown> = {
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        ...metadata,
      };
      await provider.Client.adapter.upsert(id, m);
      if (typeof m.client_secret === "string") {
        known.set(id, {
          clientId: id,
          clientSecret: m.client_secret,
          redirectUris: (m.redirect_uris as string[]) ?? [],
          grantTypes: m.grant_types as string[],
          tokenEndpointAuthMethod:
            (m.token_endpoint_auth_method as IdpClient["tokenEndpointAuthMethod"]) ?? "client_secret_basic",
        });
      }
    },
    async tokenRequest(params, o = {}) {
      const c = clientFor(o.clientId ?? gateway.clientId);
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
      const headers: Record<string, string> = {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      };
      const auth = o.auth ?? (c.tokenEndpointAuthMethod === "client_secret_post" ? "post" : "basic");
      if (auth === "basic") headers.authorization = basicAuth(c.clientId, c.clientSecret);
      else if (auth === "post") {
        body.set("client_id", c.clientId);
        body.set("client_secret", c.clientSecret);
      } else body.set("client_id", c.clientId);
      const r = await fetch(idp.tokenEndpoint, { method: "POST", headers, body });
      const text = await r.text();
      let json: Record<string, any>;
      try {
        json = JSON.parse(text);
      } catch {
        json = { raw: text };
      }
      return { status: r.status, body: json };
    },
    async mintClientCredentialsToken(o = {}) {
      const c = clientFor(o.clientId);
      if (opts.shape === "standard" && !o.resource && !opts.defaultResource) {
        throw new Error("standard IdP: pass `resource` (RFC 8707) to mint a JWT access token");
      }
      const r = await idp.tokenRequest(
        { grant_type: "client_credentials", resource: o.resource, audience: o.audience, scope: o.scope },
        { clientId: c.clientId },
      );
      if (r.status !== 200 || typeof r.body.access_token !== "string") {
        throw new Error(`client_credentials at ${opts.shape} IdP failed: ${r.status} ${JSON.stringify(r.body)}`);
      }
      return r.body.access_token as string;
    },
    authorizeUrl(p) {
      const u = new URL(idp.authorizationEndpoint);
      u.searchParams.set("response_type", "code");
      u.searchParams.set("client_id", p.clientId ?? gateway.clientId);
      u.searchParams.set("redirect_uri", p.redirectUri);
      u.searchParams.set("scope", p.scope ?? "openid");
      u.searchParams.set("state", p.state ?? randomUUID());
      if (p.codeChallenge) {
        u.searchParams.set("code_challenge", p.codeChallenge);
        u.searchParams.set("code_challenge_method", p.codeChallengeMethod ?? "S256");
      }
      if (p.resource) u.searchParams.set("resource", p.resource);
      if (p.audience) u.searchParams.set("audience", p.audience);
      for (const [k, v] of Object.entries(p.extra ?? {})) u.searchParams.set(k, v);
      return u.href;
    },
    exchangeCode(p) {
      return idp.tokenRequest(
        {
          grant_type: "authorization_code",
          code: p.code,
          redirect_uri: p.redirectUri,
          code_verifier: p.codeVerifier,
          resource: p.resource,
          audience: p.audience,
        },
        { clientId: p.clientId ?? gateway.clientId },
      );
    },
    completeLogin: (authorizeUrl, o) => completeLogin(authorizeUrl, o),
    close,
  };
  return idp;
}

function basicAuth(id: string, secret: string): string {
  // RFC 6749 2.3.1: form-urlencode before base64.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
}

function parseBasic(h: string): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(h);
  if (!m) return undefined;
  const raw = Buffer.from(m[1], "base64").toString("utf8");
  const i = raw.indexOf(":");
  if (i < 0) return undefined;
  const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
  return { id: dec(raw.slice(0, i)), secret: dec(raw.slice(i + 1)) };
}

// ---------------------------------------------------------------------------------------------
// Scripted browser

export interface CompleteLoginOptions {
  /** Account to log in as (default: the IdP's defaultAccount, "alice"). */
  login?: string;
  /** Deny at the IdP's consent/login step (the IdP then redirects with error=access_denied). */
  deny?: boolean;
  /**
   * Stop when a redirect points here (origin + path). Default: the `redirect_uri` query parameter of
   * the first URL. Pass the MCP client's redirect URI when starting at a gateway facade.
   */
  redirectUri?: string;
  /** Cookie jar shared across calls (e.g. to model "same browser" for remembered consent). */
  jar?: CookieJar;
  /**
   * Handle a page that is not the IdP's scripted interaction (e.g. the gateway's consent page).
   * Return the next request to make (typically the form POST); undefined = give up with an error.
   */
  onPage?: (page: {
    url: string;
    status: number;
    headers: Headers;
    body: string;
    jar: CookieJar;
  }) => Promise<{ url: string; init?: RequestInit } | undefined>;
  /** Maximum number of HTTP requests (default 30). */
  maxSteps?: number;
  /** Extra headers on every request (e.g. a user agent). */
  headers?: Record<string, string>;
}

export interface LoginResult {
  /** The final redirect back to redirect_uri (never followed). */
  callbackUrl: string;
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
  /** Every URL requested, in order (for assertions such as "never redirected to an unregistered URI"). */
  visited: string[];
}

/** Minimal cookie jar: name+host keyed, honours Max-Age/Expires deletion, ignores Path (harmless here). */
export class CookieJar {
  private cookies = new Map<string, { name: string; value: string; host: string }>();
  store(url: string, res: Response): void {
    const host = new URL(url).host;
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const a = attrs.map((s) => s.trim().toLowerCase());
      const expired =
        a.some((x) => x === "max-age=0" || /^max-age=-/.test(x)) ||
        a.some((x) => x.startsWith("expires=") && Date.parse(x.slice(8)) < Date.now());
      const key = `${host}\u0000${name}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, host });
    }
  }
  header(url: string): string | undefined {
    const host = new URL(url).host;
    const list = [...this.cookies.values()].filter((c) => c.host === host).map((c) => `${c.name}=${c.value}`);
    return list.length ? list.join("; ") : undefined;
  }
  clear(): void {
    this.cookies.clear();
  }
}

/**
 * Play the user agent: follow redirects manually from `authorizeUrl` (IdP or gateway facade),
 * submit the IdP's scripted login/consent interactions, and stop at the redirect back to the
 * client's redirect_uri (not followed). Works with PKCE: the code is exchanged by the caller.
 */
export async function completeLogin(authorizeUrl: string, opts: CompleteLoginOptions = {}): Promise<LoginResult> {
  const jar = opts.jar ?? new CookieJar();
  const target = opts.redirectUri ?? new URL(authorizeUrl).searchParams.get("redirect_uri");
  if (!target) throw new Error("completeLogin: no redirect_uri in the authorize URL and none given");
  const targetUrl = new URL(target);
  const isTarget = (u: URL) => u.origin === targetUrl.origin && u.pathname === targetUrl.pathname;
  const visited: string[] = [];
  let next: { url: string; init?: RequestInit } = { url: authorizeUrl };
  for (let step = 0; step < (opts.maxSteps ?? 30); step++) {
    visited.push(next.url);
    const headers = new Headers(next.init?.headers);
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
    const cookie = jar.header(next.url);
    if (cookie) headers.set("cookie", cookie);
    const res = await fetch(next.url, { ...next.init, headers, redirect: "manual" });
    jar.store(next.url, res);
    if (res.status >= 300 && res.status < 400) {
      await res.arrayBuffer().catch(() => undefined);
      const loc = res.headers.get("location");
      if (!loc) throw new Error(`completeLogin: ${res.status} without Location at ${next.url}`);
      const u = new URL(loc, next.url);
      if (isTarget(u)) {
        const q = u.searchParams;
        return {
          callbackUrl: u.href,
          code: q.get("code") ?? undefined,
          state: q.get("state") ?? undefined,
          iss: q.get("iss") ?? undefined,
          error: q.get("error") ?? undefined,
          errorDescription: q.get("error_description") ?? undefined,
          visited,
        };
      }
      next = { url: u.href };
      continue;
    }
    const body = await res.text();
    if (res.status === 200 && (res.headers.get("content-type") ?? "").includes("json")) {
      let page: any;
      try {
        page = JSON.parse(body);
      } catch {
        page = undefined;
      }
      if (page?.[INTERACTION_MARKER]) {
        const form = new URLSearchParams();
        form.set("action", opts.deny ? "deny" : "approve");
        if (opts.login) form.set("login", opts.login);
        next = {
          url: page.action,
          init: {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: form.toString(),
          },
        };
        continue;
      }
    }
    const handled = opts.onPage
      ? await opts.onPage({ url: next.url, status: res.status, headers: res.headers, body, jar })
      : undefined;
    if (handled) {
      next = handled;
      continue;
    }
    throw new Error(`completeLogin: unexpected ${res.status} at ${next.url}: ${body.slice(0, 500)}`);
  }
  throw new Error(`completeLogin: too many steps (visited ${visited.join(" -> ")})`);
}
