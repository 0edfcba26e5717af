/**
 * The facade's authorization-server metadata (RFC 8414, also served at the OIDC
 * discovery locations): issuer exactly `<base>/oauth/<provider>`, the facade's
 * own endpoints, the IdP's jwks_uri, S256 only, RFC 9207 `iss`, and client ID
 * metadata documents while the provider accepts them.
 */
import type { ResolvedMetadata } from "../providers";
import type { FacadeContext } from "./context";
import { cimdPolicyOf } from "./cimd/policy";

export function buildFacadeMetadata(ctx: FacadeContext, idp: ResolvedMetadata): Record<string, unknown> {
  const scopes = new Set<string>();
  for (const s of ctx.servers) for (const sc of s.resourceMetadata.scopesSupported ?? []) scopes.add(sc);
  for (const s of ctx.servers) for (const sc of s.oauth?.requiredScopes ?? []) scopes.add(sc);
  for (const sc of Object.keys(ctx.provider.overrides?.scopeMap ?? {})) scopes.add(sc);
  for (const sc of Array.isArray(idp.document.scopes_supported) ? idp.document.scopes_supported : []) scopes.add(sc);
  const doc: Record<string, unknown> = {
    issuer: ctx.issuer,
    authorization_endpoint: ctx.endpoint("authorize"),
    token_endpoint: ctx.endpoint("token"),
    registration_endpoint: ctx.endpoint("register"),
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
    authorization_response_iss_parameter_supported: true,
    // OIDC discovery requires these; ID tokens still come from (and name) the IdP.
    subject_types_supported: Array.isArray(idp.document.subject_types_supported)
      ? idp.document.subject_types_supported
      : ["public"],
    id_token_signing_alg_values_supported: Array.isArray(idp.document.id_token_signing_alg_values_supported)
      ? idp.document.id_token_signing_alg_values_supported
      : ["RS256"],
  };
  // Clients that support it (Claude, VS Code, …) then identify themselves by a document URL instead of registering.
  if (cimdPolicyOf(ctx.provider).enabled) doc.client_id_metadata_document_supported = true;
  if (idp.jwksUri) doc.jwks_uri = idp.jwksUri;
  if (scopes.size) doc.scopes_supported = [...scopes];
  if (typeof idp.document.userinfo_endpoint === "string") doc.userinfo_endpoint = idp.document.userinfo_endpoint;
  return doc;
}
