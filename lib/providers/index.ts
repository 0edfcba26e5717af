/**
 * Per-IdP profiles, discovery and parameter rewrites. The contract other
 * modules rely on:
 * - `profileFor(provider)`: the kind's profile merged with `overrides`;
 * - `resolveJwksUrl(provider, deps)`: explicit jwksUrl → discovery jwks_uri →
 *   the kind's convention (cached per provider with the metadata);
 * - `discoverProvider(provider, deps)`: the full DiscoveryReport (see
 *   discover-report.ts for the field contract);
 * - `getProviderMetadata(provider, deps)`: the metadata the facade uses.
 */
export { PROFILES, OIDC_SCOPES, profileFor, discoveryForms, type ProfileData, type EffectiveProfile, type DiscoveryForm, type Conventions } from "./profiles";
export {
  resolveJwksUrl,
  resolveJwksUrlWithSource,
  getProviderMetadata,
  fetchOpts,
  discoveryUrlFor,
  candidateDocuments,
  MetadataCache,
  defaultMetadataCache,
  DiscoveryError,
  type IdpMetadata,
  type ResolvedMetadata,
  type ProviderDeps,
  type FetchJsonFn,
} from "./discovery";
export { discoverProvider, formatDiscoveryReport, type DiscoveryReport, type DiscoveredDocument, type Problem } from "./discover-report";
export { mapScopes, rewriteAuthorizeParams, rewriteTokenParams, describeRewrites, type Rewrite } from "./rewrites";
