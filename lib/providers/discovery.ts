/**
 * IdP discovery: finds the provider's metadata (explicit discoveryUrl, then the
 * profile's RFC 8414 / OIDC forms), falls back to the kind's endpoint
 * conventions, and caches the result per provider. Every fetch goes through
 * lib/net (admin-configured URLs: timeouts, size cap, same-origin redirects,
 * SSRF policy).
 */
import { fetchJson, isFetchError, type JsonResponse, type SafeFetchOptions } from "../net";
import type { RuntimeProvider } from "../config/model";
import { discoveryForms, profileFor, type DiscoveryForm, type EffectiveProfile } from "./profiles";

/** The IdP metadata fields the gateway uses (RFC 8414 / OIDC Discovery names). */
export type IdpMetadata = {
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  registration_endpoint?: string;
  jwks_uri?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  id_token_signing_alg_values_supported?: string[];
  subject_types_supported?: string[];
  userinfo_endpoint?: string;
  [k: string]: unknown;
};

/** Metadata as the facade uses it: where it came from, and endpoints guaranteed. */
export type ResolvedMetadata = {
  /** URL of the document used, or "convention" when discovery found nothing. */
  source: string;
  form?: DiscoveryForm | "configured";
  document: IdpMetadata;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint?: string;
  jwksUri?: string;
  jwksSource?: "configured" | "discovery" | "convention";
};

export type FetchJsonFn = (url: string | URL, opts: SafeFetchOptions) => Promise<JsonResponse>;

export type ProviderDeps = {
  /** Override for tests (defaults to lib/net fetchJson). */
  fetchJson?: FetchJsonFn;
  /** Default: `env.PORTCULLIS_BLOCK_PRIVATE_NETWORK`, else the process environment. */
  blockPrivateNetwork?: boolean;
  /** The parsed gateway environment (only PORTCULLIS_BLOCK_PRIVATE_NETWORK is read). */
  env?: { PORTCULLIS_BLOCK_PRIVATE_NETWORK?: boolean };
  timeoutMs?: number;
  cache?: MetadataCache;
  now?: () => number;
};

/** The URL of one discovery form for an issuer. */
export function discoveryUrlFor(issuer: string, form: DiscoveryForm): string {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, "");
  switch (form) {
    case "oauth":
      return new URL(`/.well-known/oauth-authorization-server${path}`, u.origin).href;
    case "oidc-inserted":
      return new URL(`/.well-known/openid-configuration${path}`, u.origin).href;
    case "oidc":
      return new URL(`${path}/.well-known/openid-configuration`, u.origin).href;
  }
}

/** The distinct document URLs to try, in the profile's order (explicit discoveryUrl first). */
export function candidateDocuments(
  provider: Pick<RuntimeProvider, "issuer">,
  profile: EffectiveProfile,
): { form: DiscoveryForm | "configured"; url: string }[] {
  const out: { form: DiscoveryForm | "configured"; url: string }[] = [];
  if (profile.discoveryUrl) out.push({ form: "configured", url: profile.discoveryUrl });
  const order = [...profile.discovery, ...discoveryForms.filter((f) => !profile.discovery.includes(f))];
  for (const form of order) {
    const url = discoveryUrlFor(provider.issuer, form);
    if (!out.some((c) => c.url === url)) out.push({ form, url });
  }
  return out;
}

/** Fetch options for admin-configured IdP URLs. */
export function fetchOpts(deps: ProviderDeps): SafeFetchOptions {
  const block = deps.blockPrivateNetwork ?? deps.env?.PORTCULLIS_BLOCK_PRIVATE_NETWORK;
  return {
    origin: "admin",
    timeoutMs: deps.timeoutMs ?? 5000,
    maxBytes: 512 * 1024,
    ...(block === undefined ? {} : { blockPrivateNetwork: block }),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const sameIssuer = (a: string | undefined, b: string) =>
  a !== undefined && a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/** Fetches the metadata without cache: the first document whose issuer matches, else conventions. */
async function loadMetadata(provider: RuntimeProvider, deps: ProviderDeps): Promise<ResolvedMetadata> {
  const profile = profileFor(provider);
  const get = deps.fetchJson ?? fetchJson;
  const errors: string[] = [];
  for (const c of candidateDocuments(provider, profile)) {
    try {
      const { data } = await get(c.url, fetchOpts(deps));
      if (!isObject(data)) {
        errors.push(`${c.url}: not a JSON object`);
        continue;
      }
      const doc = data as IdpMetadata;
      // RFC 8414 §3.3: the issuer in the document must be the one we asked for.
      if (!sameIssuer(doc.issuer, provider.issuer)) {
        errors.push(`${c.url}: issuer ${JSON.stringify(doc.issuer)} is not ${provider.issuer}`);
        continue;
      }
      const conv = profile.conventions;
      const authorizationEndpoint = doc.authorization_endpoint ?? conv.authorization;
      const tokenEndpoint = doc.token_endpoint ?? conv.token;
      if (!authorizationEndpoint || !tokenEndpoint) {
        errors.push(`${c.url}: no authorization_endpoint/token_endpoint`);
        continue;
      }
      const jwks = provider.jwksUrl
        ? { jwksUri: provider.jwksUrl, jwksSource: "configured" as const }
        : doc.jwks_uri
          ? { jwksUri: doc.jwks_uri, jwksSource: "discovery" as const }
          : conv.jwks
            ? { jwksUri: conv.jwks, jwksSource: "convention" as const }
            : {};
      return {
        source: c.url,
        form: c.form,
        document: doc,
        issuer: doc.issuer!,
        authorizationEndpoint,
        tokenEndpoint,
        registrationEndpoint: doc.registration_endpoint,
        ...jwks,
      };
    } catch (e) {
      errors.push(isFetchError(e) ? e.message : `${c.url}: ${(e as Error).message}`);
    }
  }
  const conv = profile.conventions;
  if (conv.authorization && conv.token) {
    return {
      source: "convention",
      document: {},
      issuer: provider.issuer,
      authorizationEndpoint: conv.authorization,
      tokenEndpoint: conv.token,
      ...(provider.jwksUrl
        ? { jwksUri: provider.jwksUrl, jwksSource: "configured" as const }
        : conv.jwks
          ? { jwksUri: conv.jwks, jwksSource: "convention" as const }
          : {}),
    };
  }
  throw new DiscoveryError(provider.name, errors);
}

export class DiscoveryError extends Error {
  readonly code = "discovery_failed";
  constructor(
    readonly provider: string,
    readonly attempts: string[],
  ) {
    super(`no usable metadata for provider "${provider}": ${attempts.join("; ") || "nothing to try"}`);
    this.name = "DiscoveryError";
  }
}

type Entry = {
  key: string;
  at: number;
  value?: ResolvedMetadata;
  error?: unknown;
  inflight?: Promise<ResolvedMetadata>;
};

/** Per-provider metadata cache: success kept `ttlMs`, failures `errorTtlMs` (no stampede on a broken IdP). */
export class MetadataCache {
  private entries = new Map<string, Entry>();
  constructor(
    readonly ttlMs = 10 * 60_000,
    readonly errorTtlMs = 5_000,
  ) {}

  /** The key changes whenever a field that affects discovery changes (config edits invalidate). */
  static keyOf(p: RuntimeProvider): string {
    return JSON.stringify([p.kind, p.issuer, p.jwksUrl ?? null, p.overrides?.discoveryUrl ?? null]);
  }

  async get(provider: RuntimeProvider, deps: ProviderDeps): Promise<ResolvedMetadata> {
    const now = (deps.now ?? Date.now)();
    const key = MetadataCache.keyOf(provider);
    const e = this.entries.get(provider.name);
    if (e && e.key === key) {
      if (e.inflight) return e.inflight;
      if (e.value && now - e.at < this.ttlMs) return e.value;
      if (e.error && now - e.at < this.errorTtlMs) throw e.error;
    }
    const entry: Entry = { key, at: now };
    entry.inflight = loadMetadata(provider, deps).then(
      (v) => {
        Object.assign(entry, { value: v, at: (deps.now ?? Date.now)(), inflight: undefined });
        return v;
      },
      (err) => {
        Object.assign(entry, { error: err, at: (deps.now ?? Date.now)(), inflight: undefined });
        throw err;
      },
    );
    this.entries.set(provider.name, entry);
    return entry.inflight;
  }

  invalidate(name?: string) {
    if (name) this.entries.delete(name);
    else this.entries.clear();
  }
}

export const defaultMetadataCache = new MetadataCache();

/** The IdP's metadata (cached per provider). Throws DiscoveryError when nothing usable exists. */
export function getProviderMetadata(provider: RuntimeProvider, deps: ProviderDeps = {}): Promise<ResolvedMetadata> {
  return (deps.cache ?? defaultMetadataCache).get(provider, deps);
}

/**
 * The JWKS URL of a provider: explicit `jwksUrl` → discovery `jwks_uri` → the
 * kind's convention. Cached with the metadata.
 */
export async function resolveJwksUrl(provider: RuntimeProvider, deps: ProviderDeps = {}): Promise<string> {
  return (await resolveJwksUrlWithSource(provider, deps)).url;
}

/** Like resolveJwksUrl, also saying where the URL came from. */
export async function resolveJwksUrlWithSource(
  provider: RuntimeProvider,
  deps: ProviderDeps = {},
): Promise<{ url: string; via: "configured" | "discovery" | "convention" }> {
  if (provider.jwksUrl) return { url: provider.jwksUrl, via: "configured" };
  const conv = profileFor(provider).conventions.jwks;
  try {
    const m = await getProviderMetadata(provider, deps);
    if (m.jwksUri && m.jwksSource) return { url: m.jwksUri, via: m.jwksSource };
  } catch (e) {
    if (!conv) throw e;
  }
  if (conv) return { url: conv, via: "convention" };
  throw new DiscoveryError(provider.name, [
    "no jwksUrl configured, no jwks_uri in the metadata and no convention for this kind",
  ]);
}
