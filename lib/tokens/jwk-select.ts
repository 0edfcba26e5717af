/**
 * Which JWKs may verify which `alg`. A key is usable for signature checks only
 * if its `use`/`key_ops` allow it, its own `alg` (when declared) matches, and
 * its type/curve fits the algorithm. Symmetric keys never get this far: they
 * are dropped when the JWKS is parsed.
 */
import type { JWK } from "jose";

export type PublicJwk = JWK & { kty: string };

const RSA = new Set(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]);
const EC_CURVE: Record<string, string> = { ES256: "P-256", ES384: "P-384", ES512: "P-521" };

export function jwkFitsAlg(jwk: PublicJwk, alg: string): boolean {
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes("verify")) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg && !(isEd(jwk.alg) && isEd(alg))) return false;
  if (RSA.has(alg)) return jwk.kty === "RSA";
  if (alg in EC_CURVE) return jwk.kty === "EC" && jwk.crv === EC_CURVE[alg];
  if (alg === "Ed25519") return jwk.kty === "OKP" && jwk.crv === "Ed25519";
  if (alg === "EdDSA") return jwk.kty === "OKP" && (jwk.crv === "Ed25519" || jwk.crv === "Ed448");
  return false;
}

const isEd = (a: string) => a === "EdDSA" || a === "Ed25519";

/** Private and symmetric members: never imported, even if an IdP leaks them. */
const SECRET_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];
const MAX_KEYS = 100;

/** Parses a JWKS document into public signing-capable JWKs, or explains why not. */
export function parseJwks(data: unknown): { ok: true; keys: PublicJwk[] } | { ok: false; message: string } {
  if (typeof data !== "object" || data === null || !Array.isArray((data as { keys?: unknown }).keys)) {
    return { ok: false, message: "the document is not a JWKS (no keys array)" };
  }
  const keys: PublicJwk[] = [];
  for (const raw of (data as { keys: unknown[] }).keys.slice(0, MAX_KEYS)) {
    if (typeof raw !== "object" || raw === null) continue;
    const jwk = { ...(raw as Record<string, unknown>) };
    if (typeof jwk.kty !== "string" || jwk.kty === "oct") continue;
    for (const m of SECRET_MEMBERS) delete jwk[m];
    keys.push(jwk as PublicJwk);
  }
  if (keys.length === 0) return { ok: false, message: "the JWKS has no usable public keys" };
  return { ok: true, keys };
}
