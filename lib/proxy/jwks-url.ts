/**
 * Where a provider's signing keys live. TEMPORARY ADAPTER: lib/providers will
 * export the authoritative resolver (discovery + each kind's quirks); swap
 * `resolveJwksUrl`'s body for that call when it lands.
 *
 * Order: the configured `jwksUrl`; else `jwks_uri` of the discovery document
 * (`overrides.discoveryUrl`, or `<issuer>/.well-known/openid-configuration`);
 * else the kind's convention. Discovery goes through lib/net (timeouts, size
 * cap, outbound policy) as an admin-configured URL.
 */
import { fetchJson } from "../net/fetch-json";
import type { RuntimeProvider } from "../config/model";

export type JwksUrlResolution = { url: string; via: "configured" | "discovery" | "convention" };

/** Conventional JWKS locations for IdPs whose discovery may be unreachable. */
function conventional(p: RuntimeProvider): string | undefined {
  const issuer = p.issuer.endsWith("/") ? p.issuer : `${p.issuer}/`;
  switch (p.kind) {
    case "keycloak":
      return new URL("protocol/openid-connect/certs", issuer).href;
    case "auth0":
      return new URL(".well-known/jwks.json", issuer).href;
    case "authentik":
      return new URL("jwks/", issuer).href;
    case "okta":
      return new URL("v1/keys", issuer).href;
    default:
      return undefined;
  }
}

export function discoveryUrlOf(p: RuntimeProvider): string {
  if (p.overrides?.discoveryUrl) return p.overrides.discoveryUrl;
  const issuer = p.issuer.endsWith("/") ? p.issuer : `${p.issuer}/`;
  return new URL(".well-known/openid-configuration", issuer).href;
}

export async function resolveJwksUrl(p: RuntimeProvider, fetcher: typeof fetchJson = fetchJson): Promise<JwksUrlResolution> {
  if (p.jwksUrl) return { url: p.jwksUrl, via: "configured" };
  let discoveryError: unknown;
  try {
    const { data } = await fetcher(discoveryUrlOf(p), { origin: "admin", timeoutMs: 5000 });
    const uri = (data as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof uri === "string" && /^https?:\/\//i.test(uri)) return { url: new URL(uri).href, via: "discovery" };
    discoveryError = new Error(`discovery document ${discoveryUrlOf(p)} has no jwks_uri`);
  } catch (e) {
    discoveryError = e;
  }
  const c = conventional(p);
  if (c) return { url: c, via: "convention" };
  throw discoveryError;
}
