/**
 * Shapes of the verification pipeline: what the caller gives it (VerifyTarget,
 * KeySource) and what it returns (Diagnosis of ordered Checks). Framework- and
 * database-free so the proxy, the console inspector, the CLI and the request
 * log all consume the same values.
 */
import type { FixPatch } from "./fix";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Where an accepted audience value came from, shown in the inspector. */
export type AudienceSource = "public_url" | "request_url" | "client_id" | "configured";
export type ExpectedAudience = {
  value: string;
  source: AudienceSource;
  /** e.g. `public URL https://mcp.example.com of server fetcher` */
  detail: string;
};

/** Result of one key lookup in a KeySource (see jwks-cache.ts). */
export type KeyLookup =
  | { ok: true; keys: CryptoKey[]; kid?: string; refetched: boolean }
  | { ok: false; code: "jwks_unavailable" | "key_not_found"; message: string; refetched: boolean };

export type KeySourceStatus = {
  url: string;
  /** Epoch ms of the last successful fetch, null if never. */
  fetchedAt: number | null;
  ageMs: number | null;
  kids: string[];
  keyCount: number;
  lastError: { code: string; message: string; at: number } | null;
  state: "cold" | "fresh" | "stale" | "expired";
  fetchCount: number;
};

/** Where verification keys come from: the JWKS cache, or anything shaped like it. */
export interface KeySource {
  /** Candidate keys for a token's `kid` (or every compatible key when it has none) and `alg`. */
  getKeys(selector: { kid?: string; alg: string }): Promise<KeyLookup>;
  status(): KeySourceStatus;
}

export type VerifyTarget = {
  server: {
    name: string;
    requiredScopes: readonly string[];
    includeClientIdInAudience: boolean;
    audiences: readonly string[];
  };
  provider: {
    name: string;
    issuer: string;
    clientId?: string;
    /** Allowed JWS algorithms; empty means every asymmetric one. */
    algorithms: readonly string[];
    clockSkewSeconds: number;
    /** The provider's kind (keycloak, authentik, …): hints name the IdP's own settings. */
    kind?: string;
    /** Require the RFC 9068 `typ: at+jwt` header. */
    requireAtJwt?: boolean;
  };
  /** Built with buildExpectedAudiences(); includes the client id only when enabled. */
  expectedAudiences: readonly ExpectedAudience[];
  /** The other server an audience value identifies (its resource URL or configured audience), if any. */
  audienceOwner?: (value: string) => string | undefined;
  keys: KeySource;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
};

export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/** Every pipeline step, in order. */
export const checkIds = [
  "format",
  "alg",
  "header_keys",
  "kid",
  "key",
  "signature",
  "iss",
  "aud",
  "exp",
  "nbf",
  "iat",
  "typ",
  "token_kind",
  "scope",
] as const;
export type CheckId = (typeof checkIds)[number];

/** Stable outcome codes (the pass/skip codes are the same for every step). */
export const checkCodes = [
  "ok",
  "skipped",
  "token_malformed",
  "token_encrypted",
  "alg_not_allowed",
  "alg_none",
  "alg_hmac",
  "header_jwk_embedded",
  "header_jku_x5u",
  "header_crit",
  "kid_missing",
  "jwks_unavailable",
  "key_not_found",
  "signature_invalid",
  "iss_missing",
  "iss_mismatch",
  "aud_missing",
  "aud_mismatch",
  "aud_is_client_id",
  "exp_missing",
  "expired",
  "not_yet_valid",
  "iat_in_future",
  "claim_invalid",
  "typ_invalid",
  "typ_not_at_jwt",
  "id_token",
  "event_token",
  "id_token_suspected",
  "scope_missing",
] as const;
export type CheckCode = (typeof checkCodes)[number];

export type Fix = { label: string; patch: FixPatch };

export type Check = {
  id: CheckId;
  status: CheckStatus;
  code: CheckCode;
  message: string;
  expected?: JsonValue;
  actual?: JsonValue;
  hint?: string;
  fix?: Fix;
  /**
   * True for claim checks computed on claims whose signature was not verified
   * (key missing, bad signature, forbidden header): shown by the inspector,
   * never trusted by the verdict.
   */
  unverified?: boolean;
};

export type Diagnosis = {
  verdict: "accept" | "reject";
  httpStatus: 200 | 401 | 403;
  oauthError?: "invalid_token" | "insufficient_scope";
  /** Short, header-safe (RFC 6750 error_description charset). */
  errorDescription?: string;
  /** The first failing check. */
  failed?: Check;
  checks: Check[];
  /** Signature verified with a key from the provider's JWKS. */
  signatureVerified: boolean;
  header?: Record<string, JsonValue>;
  claims?: Record<string, JsonValue>;
  subject?: string;
  clientId?: string;
  scopes: string[];
  /** `exp`, in epoch seconds. */
  expiresAt?: number;
  /** First 12 hex chars of sha256(token): safe to log, never the token. */
  fingerprint: string;
  server: string;
  provider: string;
  keySource: KeySourceStatus;
  /** Epoch ms at which the checks ran. */
  checkedAt: number;
};
