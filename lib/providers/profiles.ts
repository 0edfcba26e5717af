/**
 * Provider profiles as data: one per kind, describing how a real IdP departs
 * from the standards (where discovery lives, the JWKS convention, audience
 * behaviour, DCR, and the parameter rewrites the facade applies). A provider's
 * `overrides` (lib/config/schema.ts) replace any field, so a `generic` provider
 * describes a new IdP entirely from config.
 */
import type { ProfileOverrides, ProviderKind } from "../config/schema";
import type { RuntimeProvider } from "../config/model";

/**
 * Where to look for the IdP's metadata, tried in the profile's order:
 * - `oauth`: RFC 8414 §3.1 path insertion (`<origin>/.well-known/oauth-authorization-server<path>`)
 * - `oidc`: OIDC Discovery 1.0 (`<issuer>/.well-known/openid-configuration`, appended)
 * - `oidc-inserted`: the RFC 8414 style for OIDC (`<origin>/.well-known/openid-configuration<path>`)
 */
export type DiscoveryForm = "oauth" | "oidc" | "oidc-inserted";
export const discoveryForms: readonly DiscoveryForm[] = ["oauth", "oidc", "oidc-inserted"];

/** Endpoint conventions of a kind, used when discovery is unavailable. */
export type Conventions = { jwks?: string; authorization?: string; token?: string };

export type ProfileData = {
  kind: ProviderKind;
  label: string;
  discovery: DiscoveryForm[];
  /** Builds the kind's endpoint conventions from the issuer. */
  conventions: (issuer: URL) => Conventions;
  /** Does the IdP honour RFC 8707 `resource` (and put it into `aud`)? */
  resourceIndicators: boolean;
  /** Does the IdP put the client id into `aud`? */
  audienceIsClientId: boolean;
  /** Does the IdP offer RFC 7591 registration? `undefined`: whatever its metadata says. */
  dynamicRegistration?: boolean;
  /** Drop `resource` from IdP authorize/token requests. */
  dropResource: boolean;
  /** Send the client's resource in this parameter on the IdP authorize request. */
  audienceParam?: string;
  /** Client scope → IdP scope. */
  scopeMap: Record<string, string>;
  /**
   * Template for non-OIDC scopes missing from `scopeMap` (`{clientId}`, `{scope}`),
   * e.g. Entra's `api://{clientId}/{scope}`.
   */
  scopeTemplate?: string;
  /** Fixed parameters added to the IdP authorize request. */
  extraAuthorizeParams: Record<string, string>;
  /** Human notes shown by `discover` (what Portcullis does differently for this kind). */
  notes: string[];
};

const trim = (u: URL) => u.href.replace(/\/+$/, "");

export const PROFILES: Readonly<Record<ProviderKind, ProfileData>> = {
  generic: {
    kind: "generic",
    label: "Generic OAuth 2.0 / OpenID Connect",
    discovery: ["oauth", "oidc", "oidc-inserted"],
    conventions: () => ({}),
    resourceIndicators: true,
    audienceIsClientId: false,
    dropResource: false,
    scopeMap: {},
    extraAuthorizeParams: {},
    notes: ["standards-following IdP: RFC 8707 `resource` is forwarded as sent"],
  },
  keycloak: {
    kind: "keycloak",
    label: "Keycloak",
    discovery: ["oidc", "oauth", "oidc-inserted"],
    conventions: (iss) => ({
      jwks: `${trim(iss)}/protocol/openid-connect/certs`,
      authorization: `${trim(iss)}/protocol/openid-connect/auth`,
      token: `${trim(iss)}/protocol/openid-connect/token`,
    }),
    resourceIndicators: false,
    audienceIsClientId: false,
    dynamicRegistration: false,
    dropResource: true,
    scopeMap: {},
    extraAuthorizeParams: {},
    notes: [
      "Keycloak ignores RFC 8707: `resource` is dropped; `aud` comes from the realm's audience mappers (add it to the server's audiences)",
      "anonymous DCR is usually disabled: configure a pre-registered confidential client",
    ],
  },
  authentik: {
    kind: "authentik",
    label: "Authentik",
    discovery: ["oidc", "oauth", "oidc-inserted"],
    conventions: (iss) => ({
      jwks: `${trim(iss)}/jwks/`,
      authorization: new URL("/application/o/authorize/", iss).href,
      token: new URL("/application/o/token/", iss).href,
    }),
    resourceIndicators: false,
    audienceIsClientId: true,
    dynamicRegistration: false,
    dropResource: true,
    scopeMap: {},
    extraAuthorizeParams: {},
    notes: [
      "Authentik ignores RFC 8707: `resource` is dropped; `aud` is the client id (turn on includeClientIdInAudience)",
      "the issuer ends with '/': tokens carry it exactly so",
    ],
  },
  auth0: {
    kind: "auth0",
    label: "Auth0",
    discovery: ["oidc", "oauth"],
    conventions: (iss) => ({
      jwks: new URL("/.well-known/jwks.json", iss).href,
      authorization: new URL("/authorize", iss).href,
      token: new URL("/oauth/token", iss).href,
    }),
    resourceIndicators: false,
    audienceIsClientId: false,
    dynamicRegistration: false,
    dropResource: true,
    audienceParam: "audience",
    scopeMap: {},
    extraAuthorizeParams: {},
    notes: [
      "Auth0 wants `audience` instead of RFC 8707 `resource`: the client's resource is sent as `audience` (the API identifier must equal it, or set extraAuthorizeParams.audience)",
      "Auth0's discovery omits code_challenge_methods_supported although it supports S256",
    ],
  },
  entra: {
    kind: "entra",
    label: "Microsoft Entra ID",
    discovery: ["oidc"],
    conventions: (iss) => {
      const tenant = iss.pathname.split("/").filter(Boolean)[0] ?? "common";
      return {
        jwks: new URL(`/${tenant}/discovery/v2.0/keys`, iss).href,
        authorization: new URL(`/${tenant}/oauth2/v2.0/authorize`, iss).href,
        token: new URL(`/${tenant}/oauth2/v2.0/token`, iss).href,
      };
    },
    resourceIndicators: false,
    audienceIsClientId: true,
    dynamicRegistration: false,
    dropResource: true,
    scopeMap: {},
    scopeTemplate: "api://{clientId}/{scope}",
    extraAuthorizeParams: {},
    notes: [
      "Entra v2 rejects `resource`: it is dropped; resource scopes are mapped to api://<client id>/<scope> unless scopeMap says otherwise",
      "`aud` is the application (client) id",
    ],
  },
  okta: {
    kind: "okta",
    label: "Okta",
    // A custom authorization server (issuer …/oauth2/<id>) serves both documents appended to the
    // issuer, not at RFC 8414's inserted location: OIDC discovery first saves a 404 per refresh.
    discovery: ["oidc", "oauth"],
    conventions: (iss) => ({
      jwks: `${trim(iss)}/v1/keys`,
      authorization: `${trim(iss)}/v1/authorize`,
      token: `${trim(iss)}/v1/token`,
    }),
    resourceIndicators: false,
    audienceIsClientId: false,
    dropResource: true,
    scopeMap: {},
    extraAuthorizeParams: {},
    notes: [
      "Okta's `aud` is the authorization server's configured audience (e.g. api://default): add it to the server's audiences",
    ],
  },
};

/** OIDC scopes are never mapped (they mean the same everywhere). */
export const OIDC_SCOPES = new Set(["openid", "profile", "email", "address", "phone", "offline_access"]);

/** The profile a provider actually runs with: kind defaults merged with its overrides. */
export type EffectiveProfile = Omit<ProfileData, "conventions"> & {
  /** Explicit discovery document URL (override), tried before the profile's forms. */
  discoveryUrl?: string;
  /** Endpoint conventions for this provider's issuer. */
  conventions: Conventions;
  /** Which fields come from `overrides` rather than the kind. */
  overridden: (keyof ProfileOverrides)[];
};

export function profileFor(provider: Pick<RuntimeProvider, "kind" | "issuer" | "overrides">): EffectiveProfile {
  const base = PROFILES[provider.kind] ?? PROFILES.generic;
  const o: ProfileOverrides = provider.overrides ?? {};
  let issuer: URL | undefined;
  try {
    issuer = new URL(provider.issuer);
  } catch {
    issuer = undefined;
  }
  const overridden = (Object.keys(o) as (keyof ProfileOverrides)[]).filter((k) => o[k] !== undefined);
  const { conventions, ...data } = base;
  return {
    ...data,
    discovery: [...base.discovery],
    conventions: issuer ? conventions(issuer) : {},
    discoveryUrl: o.discoveryUrl,
    resourceIndicators: o.resourceIndicators ?? base.resourceIndicators,
    audienceIsClientId: o.audienceIsClientId ?? base.audienceIsClientId,
    dynamicRegistration: o.dynamicRegistration ?? base.dynamicRegistration,
    // A generic IdP that does not honour RFC 8707 gets `resource` dropped unless told otherwise.
    dropResource:
      o.dropResource ?? (o.resourceIndicators === false && provider.kind === "generic" ? true : base.dropResource),
    audienceParam: o.audienceParam ?? base.audienceParam,
    scopeMap: { ...base.scopeMap, ...(o.scopeMap ?? {}) },
    extraAuthorizeParams: { ...base.extraAuthorizeParams, ...(o.extraAuthorizeParams ?? {}) },
    notes: [...base.notes],
    overridden,
  };
}
