/**
 * The one verification pipeline. Runs every check in order and returns the
 * whole diagnosis; the proxy reads `verdict`, the inspector/CLI/log show all.
 *
 * After a fatal failure:
 * - format: nothing else can run; every later step is "skip".
 * - header (alg none/HMAC/unknown, embedded/remote key): key lookup and
 *   signature are skipped, so a hostile header never triggers a JWKS fetch.
 * - key or signature: the claim checks still run on the decoded claims and are
 *   marked `unverified`, so the inspector shows every problem at once (a
 *   missing key AND a wrong aud). They never make a token acceptable: the
 *   verdict is decided by the first failure in list order, which is the
 *   header/key/signature failure.
 * A fix is offered only when the signature verified: unverified claims are
 * anyone's words, and a fix computed from them could talk an admin into
 * accepting a forger's issuer or audience.
 */
import { tokenClientId, tokenScopes, tokenSubject } from "./claims";
import { checkAlg } from "./checks/alg";
import { checkAud } from "./checks/aud";
import { type CheckContext, skip } from "./checks/context";
import { checkFormat } from "./checks/format";
import { checkHeaderKeys } from "./checks/header-keys";
import { checkIss } from "./checks/iss";
import { checkKey } from "./checks/key";
import { checkKid } from "./checks/kid";
import { checkScope } from "./checks/scope";
import { checkSignature } from "./checks/signature";
import { checkExp, checkIat, checkNbf } from "./checks/times";
import { checkTokenKind } from "./checks/token-kind";
import { checkTyp } from "./checks/typ";
import { fingerprintOf, tokenHash } from "./fingerprint";
import { checkIds, type Check, type CheckCode, type CheckId, type Diagnosis, type VerifyTarget } from "./types";

type Step = (ctx: CheckContext) => Check | Promise<Check>;

/** Execution order; `kid` runs after `key` because it needs the JWKS key count. Display order is `checkIds`. */
const STEPS: ReadonlyArray<readonly [CheckId, Step]> = [
  ["alg", checkAlg],
  ["header_keys", checkHeaderKeys],
  ["key", checkKey],
  ["kid", checkKid],
  ["signature", checkSignature],
  ["iss", checkIss],
  ["aud", checkAud],
  ["exp", checkExp],
  ["nbf", checkNbf],
  ["iat", checkIat],
  ["typ", checkTyp],
  ["token_kind", checkTokenKind],
  ["scope", checkScope],
];

/** Checks whose input is the (possibly unverified) header or claims. */
const CLAIM_CHECKS: ReadonlySet<CheckId> = new Set(["iss", "aud", "exp", "nbf", "iat", "typ", "token_kind", "scope"]);

export function verifyAccessToken(token: string, target: VerifyTarget): Promise<Diagnosis> {
  return runPipeline(token, target, tokenHash(token));
}

/** @internal the verifier passes the hash it already computed for its cache key. */
export async function runPipeline(token: string, target: VerifyTarget, hash: string): Promise<Diagnosis> {
  const nowMs = (target.now ?? Date.now)();
  const ctx: CheckContext = { token, target, nowMs, headerRejected: false, signatureVerified: false };
  const results = new Map<CheckId, Check>();

  const format = checkFormat(ctx);
  results.set("format", format);
  if (format.status === "fail") {
    for (const [id] of STEPS) results.set(id, skip(id, "not checked: the token could not be decoded"));
  } else {
    for (const [id, step] of STEPS) {
      // Most steps are synchronous: await only the ones that return a promise (key lookup, jose fallback),
      // instead of a microtask hop per step on every never-seen token.
      const r = step(ctx);
      const c = r instanceof Promise ? await r : r;
      if (CLAIM_CHECKS.has(id) && !ctx.signatureVerified && c.status !== "skip") c.unverified = true;
      results.set(id, c);
    }
  }

  const checks = checkIds.map((id) => results.get(id) as Check);
  if (!ctx.signatureVerified) for (const c of checks) delete c.fix;
  const failed = checks.find((c) => c.status === "fail");
  const claims = ctx.claims;
  const exp = claims?.exp;
  const base = {
    checks,
    signatureVerified: ctx.signatureVerified,
    header: ctx.header,
    claims,
    subject: claims && tokenSubject(claims),
    clientId: claims && tokenClientId(claims),
    scopes: claims ? tokenScopes(claims) : [],
    expiresAt: typeof exp === "number" ? exp : undefined,
    fingerprint: fingerprintOf(hash),
    server: target.server.name,
    provider: target.provider.name,
    keySource: target.keys.status(),
    checkedAt: nowMs,
  };
  // Defence in depth: an accepted token must have a verified signature, whatever the checks say.
  if (!failed && ctx.signatureVerified) return { verdict: "accept", httpStatus: 200, ...base };
  const first = failed ?? checks.find((c) => c.id === "signature")!;
  const scopeOnly = first.id === "scope";
  return {
    verdict: "reject",
    httpStatus: scopeOnly ? 403 : 401,
    oauthError: scopeOnly ? "insufficient_scope" : "invalid_token",
    errorDescription: describe(first.code),
    failed: first,
    ...base,
  };
}

/**
 * Client-facing `error_description`s: fixed phrases, so no token content or
 * configuration leaks and the RFC 6750 charset (no `"` or `\`) always holds.
 */
const DESCRIPTIONS: Partial<Record<CheckCode, string>> = {
  token_malformed: "The access token is not a valid JWT",
  token_encrypted: "Encrypted access tokens are not supported",
  alg_not_allowed: "The token signing algorithm is not allowed",
  alg_none: "Unsigned tokens are not accepted",
  alg_hmac: "HMAC-signed tokens are not accepted",
  header_jwk_embedded: "Tokens with embedded keys are not accepted",
  header_jku_x5u: "Tokens with key URLs are not accepted",
  header_crit: "Tokens with critical header extensions are not accepted",
  jwks_unavailable: "The signing keys of the issuer are unavailable",
  key_not_found: "The token signing key is unknown",
  signature_invalid: "The token signature is invalid",
  iss_missing: "The token has no issuer",
  iss_mismatch: "The token issuer is not accepted",
  aud_missing: "The token has no audience",
  aud_mismatch: "The token audience is not accepted by this resource",
  aud_is_client_id: "The token audience is not accepted by this resource",
  exp_missing: "The token has no expiry",
  expired: "The access token expired",
  not_yet_valid: "The access token is not yet valid",
  iat_in_future: "The token issue time is in the future",
  claim_invalid: "The token has an invalid time claim",
  typ_invalid: "The token type is not an access token",
  typ_not_at_jwt: "The token type must be at+jwt",
  id_token: "An ID token is not an access token",
  event_token: "A logout or security event token is not an access token",
  scope_missing: "The access token lacks a required scope",
};

const describe = (code: CheckCode): string => DESCRIPTIONS[code] ?? "The access token is invalid";
