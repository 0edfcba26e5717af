export { FetchError, isFetchError, displayUrl, fetchErrorCodes, type FetchErrorCode } from "./errors";
export { classifyAddress, isMetadataHostname, type AddressKind } from "./ip-ranges";
export {
  checkAddress,
  resolveAllowed,
  systemResolver,
  blockPrivateNetworkFromEnv,
  type AddressPolicy,
  type AddressDecision,
  type FetchOrigin,
  type ResolvedAddress,
  type Resolver,
} from "./policy";
export { safeFetch, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_MS, type SafeFetchOptions, type SafeResponse } from "./safe-fetch";
export { fetchJson, type JsonResponse } from "./fetch-json";
