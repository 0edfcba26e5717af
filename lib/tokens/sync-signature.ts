/**
 * Synchronous JWS signature verification for the signature check, with
 * fast-jwt (node:crypto underneath). jose 6 verifies through WebCrypto, which
 * in Node 20 sends each verification to libuv's thread pool and back: more
 * CPU and two thread hops per never-seen token (docs/performance.md).
 *
 * What stays jose's: parsing the JWK and importing it for the header's `alg`
 * (jwks-cache imports every key with jose). A key is used here only if its
 * CryptoKey algorithm is exactly the one `alg` names (RSASSA-PKCS1-v1_5 or
 * RSA-PSS with the alg's hash, ECDSA on the alg's curve, Ed25519) and it may
 * verify. What fast-jwt checks: the alg against the key's type and curve, and
 * the signature (ECDSA in JOSE's r||s form, PSS with salt = hash length).
 * What the pipeline checks before either: canonical base64url, strict UTF-8,
 * no `crit` (decode.ts, checks/header-keys.ts).
 *
 * Anything else goes to jose (`undefined` here), which refuses what it must:
 * the fully specified `Ed25519` alg, RSA keys under 2048 bits, a key imported
 * for another alg.
 */
import { KeyObject } from "node:crypto";
import { createVerifier, type Algorithm } from "fast-jwt";

const MIN_RSA_BITS = 2048;

/** The WebCrypto algorithm a key must have been imported with to verify each alg here. */
const BINDING: Readonly<Record<string, { name: string; hash?: string; namedCurve?: string }>> = {
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  RS384: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" },
  RS512: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" },
  PS256: { name: "RSA-PSS", hash: "SHA-256" },
  PS384: { name: "RSA-PSS", hash: "SHA-384" },
  PS512: { name: "RSA-PSS", hash: "SHA-512" },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  ES384: { name: "ECDSA", namedCurve: "P-384" },
  ES512: { name: "ECDSA", namedCurve: "P-521" },
  EdDSA: { name: "Ed25519" },
};

export type SyncVerify = (token: string) => void;

// Per imported key, per alg: keys live as long as the JWKS cache holds them.
const verifiers = new WeakMap<CryptoKey, Map<string, SyncVerify | null>>();

/**
 * A function that returns when `token`'s signature verifies with `key` and throws otherwise,
 * or undefined when this alg/key pair is left to jose. Never throws itself.
 */
export function syncVerifier(key: CryptoKey, alg: string): SyncVerify | undefined {
  let byAlg = verifiers.get(key);
  if (!byAlg) verifiers.set(key, (byAlg = new Map()));
  let v = byAlg.get(alg);
  if (v === undefined) {
    v = build(key, alg);
    byAlg.set(alg, v);
  }
  return v ?? undefined;
}

function bound(key: CryptoKey, alg: string): boolean {
  const want = BINDING[alg];
  if (!want || key.type !== "public" || !key.usages.includes("verify")) return false;
  const a = key.algorithm as KeyAlgorithm & { hash?: { name: string }; namedCurve?: string };
  return a.name === want.name && a.hash?.name === want.hash && a.namedCurve === want.namedCurve;
}

function build(key: CryptoKey, alg: string): SyncVerify | null {
  if (!bound(key, alg)) return null;
  try {
    const ko = KeyObject.from(key);
    if (ko.asymmetricKeyType === "rsa" || ko.asymmetricKeyType === "rsa-pss") {
      if ((ko.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return null;
    }
    // Claims are the pipeline's own checks (each with its diagnosis line): fast-jwt checks none of them.
    const verify = createVerifier({
      key: ko.export({ type: "spki", format: "pem" }) as string,
      algorithms: [alg as Algorithm],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      cache: false,
    });
    return (token) => void verify(token);
  } catch {
    return null; // a key fast-jwt will not take: jose decides
  }
}
