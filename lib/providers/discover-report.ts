/**
 * `portcullis discover --provider NAME` and the console's Discover button: fetch
 * every discovery form of the IdP, its JWKS, and report capabilities, the
 * profile's quirks/rewrites, and per-item problems. Never cached.
 *
 * DiscoveryReport (JSON-serialisable; field names are a stable contract):
 * - provider: { name, kind, issuer, clientIdSet, clientSecretSet }
 * - documents[]: every URL tried, in order: { form ("configured" | "oauth" |
 *   "oidc" | "oidc-inserted"), url, found, status?, issuer?, issuerMatches?,
 *   error? { code, message } }
 * - metadata: the document the facade uses, or null: { source (URL or
 *   "convention"), issuer, authorizationEndpoint, tokenEndpoint,
 *   registrationEndpoint, jwksUri, jwksSource }
 * - capabilities: each value true/false, or null when the IdP does not say:
 *   { pkceS256, pkceMethods, dynamicRegistration, resourceIndicators,
 *   issResponseParameter, tokenEndpointAuthMethods, scopes }
 * - jwks: { url, source, reachable, keyIds, algorithms, error? } or null
 * - profile: { kind, label, overridden[], resourceIndicators,
 *   audienceIsClientId, dynamicRegistration, dropResource, audienceParam,
 *   notes[] }
 * - quirks[]: { id, description } — what Portcullis does differently for it
 * - problems[]: { severity "error" | "warning", item, message }
 * - ok: no problem of severity "error"
 */
import { fetchJson, isFetchError } from "../net";
import type { RuntimeProvider } from "../config/model";
import { candidateDocuments, fetchOpts, type IdpMetadata, type ProviderDeps, type ResolvedMetadata } from "./discovery";
import { profileFor } from "./profiles";
import { describeRewrites } from "./rewrites";

export type DiscoveredDocument = {
  form: "configured" | "oauth" | "oidc" | "oidc-inserted";
  url: string;
  found: boolean;
  status?: number;
  issuer?: string;
  issuerMatches?: boolean;
  error?: { code: string; message: string };
};

export type Problem = { severity: "error" | "warning"; item: string; message: string };

export type DiscoveryReport = {
  provider: { name: string; kind: string; issuer: string; clientIdSet: boolean; clientSecretSet: boolean };
  documents: DiscoveredDocument[];
  metadata: {
    source: string;
    issuer: string;
    authorizationEndpoint: string | null;
    tokenEndpoint: string | null;
    registrationEndpoint: string | null;
    jwksUri: string | null;
    jwksSource: "configured" | "discovery" | "convention" | null;
  } | null;
  capabilities: {
    pkceS256: boolean | null;
    pkceMethods: string[] | null;
    dynamicRegistration: boolean | null;
    resourceIndicators: boolean | null;
    issResponseParameter: boolean | null;
    tokenEndpointAuthMethods: string[] | null;
    scopes: string[] | null;
  };
  jwks: {
    url: string;
    source: string;
    reachable: boolean;
    keyIds: string[];
    algorithms: string[];
    error?: { code: string; message: string };
  } | null;
  profile: {
    kind: string;
    label: string;
    overridden: string[];
    resourceIndicators: boolean;
    audienceIsClientId: boolean;
    dynamicRegistration: boolean | null;
    dropResource: boolean;
    audienceParam: string | null;
    notes: string[];
  };
  quirks: { id: string; description: string }[];
  problems: Problem[];
  ok: boolean;
};

const errInfo = (e: unknown) =>
  isFetchError(e)
    ? { code: e.code, message: e.message }
    : { code: "error", message: (e as Error)?.message ?? String(e) };
const arr = (v: unknown): string[] | null =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : null;
const trimSlash = (s: string) => s.replace(/\/+$/, "");

export async function discoverProvider(provider: RuntimeProvider, deps: ProviderDeps = {}): Promise<DiscoveryReport> {
  const profile = profileFor(provider);
  const get = deps.fetchJson ?? fetchJson;
  const opts = fetchOpts(deps);
  const problems: Problem[] = [];
  const documents: DiscoveredDocument[] = [];
  let chosen: { doc: IdpMetadata; d: DiscoveredDocument } | undefined;

  const candidates = candidateDocuments(provider, profile);
  const fetched = await Promise.all(
    candidates.map(async (c) => {
      try {
        const { data, response } = await get(c.url, opts);
        return { c, data, status: response.status };
      } catch (e) {
        return { c, error: e };
      }
    }),
  );
  for (const f of fetched) {
    const d: DiscoveredDocument = { form: f.c.form, url: f.c.url, found: false };
    if ("error" in f) {
      d.error = errInfo(f.error);
      if (isFetchError(f.error) && f.error.status) d.status = f.error.status;
      if (f.c.form === "configured")
        problems.push({ severity: "error", item: "discoveryUrl", message: d.error.message });
    } else {
      d.status = f.status;
      const doc = (typeof f.data === "object" && f.data && !Array.isArray(f.data) ? f.data : {}) as IdpMetadata;
      d.found = true;
      d.issuer = typeof doc.issuer === "string" ? doc.issuer : undefined;
      d.issuerMatches = doc.issuer === provider.issuer;
      if (!d.issuerMatches) {
        const slashOnly = d.issuer !== undefined && trimSlash(d.issuer) === trimSlash(provider.issuer);
        problems.push({
          severity: slashOnly ? "warning" : "error",
          item: `documents.${f.c.form}`,
          message: slashOnly
            ? `issuer in ${f.c.url} is "${d.issuer}" but the provider is configured as "${provider.issuer}" (trailing slash differs: tokens carry "${d.issuer}")`
            : `issuer in ${f.c.url} is ${JSON.stringify(d.issuer)}, not the configured "${provider.issuer}"`,
        });
      }
      if (!chosen && d.issuer !== undefined && trimSlash(d.issuer) === trimSlash(provider.issuer)) chosen = { doc, d };
    }
    documents.push(d);
  }

  let metadata: DiscoveryReport["metadata"] = null;
  let resolved: Pick<ResolvedMetadata, "jwksUri" | "jwksSource"> = {};
  const conv = profile.conventions;
  if (chosen) {
    const doc = chosen.doc;
    resolved = provider.jwksUrl
      ? { jwksUri: provider.jwksUrl, jwksSource: "configured" }
      : doc.jwks_uri
        ? { jwksUri: doc.jwks_uri, jwksSource: "discovery" }
        : conv.jwks
          ? { jwksUri: conv.jwks, jwksSource: "convention" }
          : {};
    metadata = {
      source: chosen.d.url,
      issuer: doc.issuer!,
      authorizationEndpoint: doc.authorization_endpoint ?? conv.authorization ?? null,
      tokenEndpoint: doc.token_endpoint ?? conv.token ?? null,
      registrationEndpoint: doc.registration_endpoint ?? null,
      jwksUri: resolved.jwksUri ?? null,
      jwksSource: resolved.jwksSource ?? null,
    };
    if (!doc.authorization_endpoint)
      problems.push({
        severity: conv.authorization ? "warning" : "error",
        item: "metadata.authorization_endpoint",
        message: "missing from the metadata",
      });
    if (!doc.token_endpoint)
      problems.push({
        severity: conv.token ? "warning" : "error",
        item: "metadata.token_endpoint",
        message: "missing from the metadata",
      });
  } else {
    problems.push({
      severity: conv.authorization && conv.token ? "warning" : "error",
      item: "documents",
      message: `no discovery document with issuer "${provider.issuer}" was found${conv.authorization ? `; using the ${profile.label} endpoint conventions` : ""}`,
    });
    if (conv.authorization && conv.token) {
      resolved = provider.jwksUrl
        ? { jwksUri: provider.jwksUrl, jwksSource: "configured" }
        : conv.jwks
          ? { jwksUri: conv.jwks, jwksSource: "convention" }
          : {};
      metadata = {
        source: "convention",
        issuer: provider.issuer,
        authorizationEndpoint: conv.authorization,
        tokenEndpoint: conv.token,
        registrationEndpoint: null,
        jwksUri: resolved.jwksUri ?? null,
        jwksSource: resolved.jwksSource ?? null,
      };
    } else if (provider.jwksUrl) resolved = { jwksUri: provider.jwksUrl, jwksSource: "configured" };
  }

  const doc = chosen?.doc ?? {};
  const pkceMethods = arr(doc.code_challenge_methods_supported);
  const capabilities: DiscoveryReport["capabilities"] = {
    pkceS256: pkceMethods ? pkceMethods.includes("S256") : null,
    pkceMethods,
    dynamicRegistration: chosen ? typeof doc.registration_endpoint === "string" : null,
    resourceIndicators:
      typeof doc.resource_indicators_supported === "boolean" ? (doc.resource_indicators_supported as boolean) : null,
    issResponseParameter:
      typeof doc.authorization_response_iss_parameter_supported === "boolean"
        ? doc.authorization_response_iss_parameter_supported
        : null,
    tokenEndpointAuthMethods: arr(doc.token_endpoint_auth_methods_supported),
    scopes: arr(doc.scopes_supported),
  };
  if (capabilities.pkceS256 === false)
    problems.push({
      severity: "error",
      item: "capabilities.pkceS256",
      message: "the IdP does not list S256 in code_challenge_methods_supported",
    });
  if (capabilities.pkceS256 === null && chosen)
    problems.push({
      severity: "warning",
      item: "capabilities.pkceS256",
      message: "the IdP does not advertise PKCE methods; the facade advertises S256 and passes the challenge through",
    });
  if (!provider.clientId && !capabilities.dynamicRegistration)
    problems.push({
      severity: "error",
      item: "provider.clientId",
      message:
        "no pre-registered client id and the IdP offers no dynamic registration: the facade cannot start authorizations",
    });
  if (!provider.clientId && capabilities.dynamicRegistration && profile.dynamicRegistration === false)
    problems.push({
      severity: "error",
      item: "provider.clientId",
      message: "no pre-registered client id, and dynamic registration is turned off for this provider",
    });

  let jwks: DiscoveryReport["jwks"] = null;
  if (resolved.jwksUri) {
    try {
      const { data } = await get(resolved.jwksUri, opts);
      const keys = (data as { keys?: unknown })?.keys;
      if (!Array.isArray(keys)) throw new Error("not a JWK set (no keys array)");
      const list = keys.filter((k): k is Record<string, unknown> => typeof k === "object" && k !== null);
      jwks = {
        url: resolved.jwksUri,
        source: resolved.jwksSource ?? "configured",
        reachable: true,
        keyIds: list.map((k) => (typeof k.kid === "string" ? k.kid : "")).filter(Boolean),
        algorithms: [...new Set(list.map((k) => (typeof k.alg === "string" ? k.alg : "")).filter(Boolean))],
      };
      if (list.length === 0)
        problems.push({ severity: "error", item: "jwks", message: `${resolved.jwksUri} has no keys` });
    } catch (e) {
      jwks = {
        url: resolved.jwksUri,
        source: resolved.jwksSource ?? "configured",
        reachable: false,
        keyIds: [],
        algorithms: [],
        error: errInfo(e),
      };
      problems.push({ severity: "error", item: "jwks", message: errInfo(e).message });
    }
  } else {
    problems.push({
      severity: "error",
      item: "jwks",
      message: "no JWKS URL: set jwksUrl (the IdP's metadata has no jwks_uri and the kind has no convention)",
    });
  }

  return {
    provider: {
      name: provider.name,
      kind: provider.kind,
      issuer: provider.issuer,
      clientIdSet: Boolean(provider.clientId),
      clientSecretSet: Boolean(provider.clientSecret),
    },
    documents,
    metadata,
    capabilities,
    jwks,
    profile: {
      kind: profile.kind,
      label: profile.label,
      overridden: profile.overridden,
      resourceIndicators: profile.resourceIndicators,
      audienceIsClientId: profile.audienceIsClientId,
      dynamicRegistration: profile.dynamicRegistration ?? null,
      dropResource: profile.dropResource,
      audienceParam: profile.audienceParam ?? null,
      notes: profile.notes,
    },
    quirks: describeRewrites(profile),
    problems,
    ok: !problems.some((p) => p.severity === "error"),
  };
}

/** Human-readable rendering of a report (the CLI's default output). */
export function formatDiscoveryReport(r: DiscoveryReport): string {
  const yn = (v: boolean | null) => (v === null ? "unknown" : v ? "yes" : "no");
  const lines: string[] = [];
  lines.push(`provider ${r.provider.name} (${r.profile.label}), issuer ${r.provider.issuer}`);
  lines.push("", "documents:");
  for (const d of r.documents) {
    const what = d.found
      ? `found${d.issuerMatches ? "" : ` (issuer ${JSON.stringify(d.issuer)})`}`
      : `not found${d.error ? `: ${d.error.message}` : ""}`;
    lines.push(`  ${d.form.padEnd(14)} ${d.url}  ${what}`);
  }
  if (r.metadata) {
    lines.push("", `metadata (from ${r.metadata.source}):`);
    lines.push(`  authorization ${r.metadata.authorizationEndpoint ?? "-"}`);
    lines.push(`  token         ${r.metadata.tokenEndpoint ?? "-"}`);
    lines.push(`  registration  ${r.metadata.registrationEndpoint ?? "-"}`);
    lines.push(`  jwks          ${r.metadata.jwksUri ?? "-"} (${r.metadata.jwksSource ?? "none"})`);
  }
  const c = r.capabilities;
  lines.push("", "capabilities:");
  lines.push(`  PKCE S256             ${yn(c.pkceS256)}${c.pkceMethods ? ` [${c.pkceMethods.join(", ")}]` : ""}`);
  lines.push(`  dynamic registration  ${yn(c.dynamicRegistration)}`);
  lines.push(
    `  resource indicators   ${yn(c.resourceIndicators)} (profile: ${r.profile.resourceIndicators ? "honoured" : "not honoured"})`,
  );
  lines.push(`  iss response param    ${yn(c.issResponseParameter)}`);
  if (c.tokenEndpointAuthMethods) lines.push(`  token auth methods    ${c.tokenEndpointAuthMethods.join(", ")}`);
  if (r.jwks)
    lines.push(
      `  JWKS                  ${r.jwks.reachable ? `reachable, keys: ${r.jwks.keyIds.join(", ") || "(no kid)"}` : `unreachable: ${r.jwks.error?.message}`}`,
    );
  if (r.quirks.length) {
    lines.push("", "what Portcullis adapts:");
    for (const q of r.quirks) lines.push(`  - ${q.description}`);
    for (const n of r.profile.notes) lines.push(`  - ${n}`);
  }
  lines.push("", r.problems.length ? "problems:" : "no problems found");
  for (const p of r.problems) lines.push(`  ${p.severity === "error" ? "ERROR" : "warn "} ${p.item}: ${p.message}`);
  return lines.join("\n");
}
