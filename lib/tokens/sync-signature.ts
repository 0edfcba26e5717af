/**
 * Synchronous JWS signature verification for the signature check, with
 * fast-jwt (node:crypto underneath). jose 6 verifies through WebCrypto, which
 * in Node 20 sends each verification to libuv's thread pool and back: an RS256
 * verify cost 120–190 µs of CPU across the threads plus two thread hops,
 * against about 50 µs here. Measured in the gateway under load (issue 3): CPU
 * per never-seen token 800–840 µs with jose, 590–640 µs with this path.
 *
 * What stays jose's: parsing the JWK and binding it to the header's `alg`
 * (jwks-cache imports every key with jose, so a key only ever reaches here as a
 * CryptoKey of the right type and curve). What fast-jwt checks: the alg against
 * the key's type, the signature (ECDSA in JOSE's r||s form, PSS with
 * salt = hash length), and `crit` (any extension is refused: we understand none).
 *
 * Anything outside that set goes to jose (`undefined` here): the fully specified
 * `Ed25519` alg, and RSA keys under 2048 bits, which jose refuses by name.
 */
import { KeyObject } from "node:crypto";
import { createVerifier, type Algorithm } from "fast-jwt";

const FAST_ALGS: ReadonlySet<string> = new Set(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]);
const MIN_RSA_BITS = 2048;

export type SyncVerify = (token: string) => void;

// Per imported key, per alg: keys live as long as the JWKS cache holds them.
const verifiers = new WeakMap<CryptoKey, Map<string, SyncVerify | null>>();

/**
 * A function that returns when `token`'s signature verifies with `key` and throws otherwise,
 * or undefined when this alg/key pair is left to jose.
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

function build(key: CryptoKey, alg: string): SyncVerify | null {
  if (!FAST_ALGS.has(alg) || key.type !== "public") return null;
  const ko = KeyObject.from(key);
  if (ko.asymmetricKeyType === "rsa" && (ko.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return null;
  // Claims are the pipeline's own checks (each with its diagnosis line): fast-jwt checks none of them.
  const verify = createVerifier({
    key: ko.export({ type: "spki", format: "pem" }) as string,
    algorithms: [alg as Algorithm],
    ignoreExpiration: true,
    ignoreNotBefore: true,
    cache: false,
  });
  return (token) => void verify(token);
}
