/**
 * Per-IdP profiles, discovery and parameter rewrites. The contract other
 * modules rely on:
 * - `profileFor(provider)`: the kind's profile merged with `overrides`;
 * - `resolveJwksUrl(provider, deps)`: explicit jwksUrl → discovery jwks_uri →
 *   the kind's convention (cached per provider with the metadata);
 * - `discoverProvider(provider, deps)`: the full DiscoveryReport (see
 *   discover/report.ts for the field contract);
 * - `getProviderMetadata(provider, deps)`: the metadata the facade uses.
 */
export { profileFor } from "./profiles";
export {
  resolveJwksUrlWithSource,
  getProviderMetadata,
  fetchOpts,
  type ResolvedMetadata,
  type ProviderDeps,
} from "./discovery";
export { discoverProvider, formatDiscoveryReport } from "./discover-report";
export { rewriteAuthorizeParams, rewriteTokenParams } from "./rewrites";
