export { verifyAccessToken } from "./verify";
export { createVerifier, type Verifier, type CachedDiagnosis } from "./verifier";
export { decide } from "./decide";
export { buildExpectedAudiences } from "./expected-audiences";
export { JwksRegistry } from "./jwks-cache";
export {
  type Diagnosis,
  type ExpectedAudience,
  type KeyLookup,
  type KeySource,
  type KeySourceStatus,
  type VerifyTarget,
} from "./types";
