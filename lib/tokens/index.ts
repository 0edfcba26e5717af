export { verifyAccessToken } from "./verify";
export { createVerifier, MAX_VERDICT_TTL_MS, type Verifier, type VerifierOptions, type CachedDiagnosis } from "./verifier";
export { decide, type Decision, type Enforcement, type Rejection } from "./decide";
export { buildExpectedAudiences, type ExpectedAudienceInput } from "./expected-audiences";
export { JwksCache, JwksRegistry, JWKS_DEFAULTS, defaultJwksFetcher, type JwksCacheOptions, type JwksFetcher } from "./jwks-cache";
export { applyFixPatch, type FixPatch, type FixEntity } from "./fix";
export { ASYMMETRIC_ALGS, allowedAlgorithms } from "./checks/alg";
export { tokenScopes, tokenClientId, tokenSubject, tokenAudiences } from "./claims";
export { tokenHash, fingerprintOf } from "./fingerprint";
export {
  checkIds,
  checkCodes,
  type Check,
  type CheckCode,
  type CheckId,
  type CheckStatus,
  type Diagnosis,
  type ExpectedAudience,
  type AudienceSource,
  type Fix,
  type JsonValue,
  type KeyLookup,
  type KeySource,
  type KeySourceStatus,
  type VerifyTarget,
} from "./types";
