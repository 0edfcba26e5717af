/**
 * PKCE, verified by the facade itself (RFC 7636 §4.6): BASE64URL(SHA-256(code_verifier)) must
 * equal the S256 challenge stored at /authorize. The IdP is asked only after that, so a wrong
 * verifier never reaches it, whether or not the IdP checks PKCE.
 */
import { createHash } from "node:crypto";
import { safeEqual } from "../../admin/tokens";
import { InvalidGrant, InvalidRequest } from "../errors";

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function verifyPkce(verifier: string | undefined, challenge: string): string {
  if (!verifier) throw new InvalidRequest("code_verifier is missing (PKCE is required)");
  if (!VERIFIER_RE.test(verifier))
    throw new InvalidGrant("code_verifier must be 43 to 128 unreserved characters (RFC 7636)").because("pkce_mismatch");
  const computed = createHash("sha256").update(verifier, "ascii").digest("base64url");
  if (!safeEqual(computed, challenge))
    throw new InvalidGrant("PKCE verification failed: code_verifier does not match the code_challenge").because(
      "pkce_mismatch",
    );
  return verifier;
}
