/**
 * Step 2a — `alg` is asymmetric and in the provider's allowlist. `none` and
 * HMAC are refused by name: HS256 "signed" with the provider's public key is
 * the classic key-confusion attack. Those, and unknown algorithms, stop the key
 * lookup. An asymmetric algorithm that is merely outside a configured allowlist
 * fails here but lets the key and signature checks run, so the fix that allows
 * it is offered only when the IdP really signed the token (verify.ts).
 */
import { jwsAlgorithms } from "../../config/schema";
import type { Check } from "../types";
import { fail, pass, type CheckContext } from "./context";

/** The algorithms a provider's allowlist may name (one list, lib/config/schema.ts). */
export const ASYMMETRIC_ALGS: readonly string[] = jwsAlgorithms;

const memo = new WeakMap<readonly string[], string[]>();

/** The effective allowlist, memoized per configured array: diagnoses share it instead of copying it. */
export function allowedAlgorithms(configured: readonly string[]): string[] {
  let list = memo.get(configured);
  if (!list) {
    const base = configured.length > 0 ? configured : ASYMMETRIC_ALGS;
    list = Object.freeze(base.filter((a) => ASYMMETRIC_ALGS.includes(a))) as string[]; // never trust the config to keep HMAC out
    memo.set(configured, list);
  }
  return list;
}

export function checkAlg(ctx: CheckContext): Check {
  const alg = ctx.header?.alg;
  const { provider } = ctx.target;
  const allowed = allowedAlgorithms(provider.algorithms);
  const reject = (c: Check) => ((ctx.headerRejected = true), c);

  if (typeof alg !== "string" || alg === "") {
    return reject(fail("alg", "alg_not_allowed", "the header has no alg", { expected: allowed, actual: null }));
  }
  if (alg.toLowerCase() === "none") {
    return reject(
      fail("alg", "alg_none", "the token is unsigned (alg none)", {
        expected: allowed,
        actual: alg,
        hint: "Unsigned tokens are never accepted. A legitimate IdP does not issue them; this is a forged or test token.",
      }),
    );
  }
  if (/^HS\d+$/i.test(alg)) {
    return reject(
      fail("alg", "alg_hmac", `HMAC algorithm ${alg} is not accepted`, {
        expected: allowed,
        actual: alg,
        hint: "The gateway verifies with the IdP's public keys, so only asymmetric algorithms (RS*, PS*, ES*, EdDSA) are accepted. An HS* token signed with a public key is a known forgery technique.",
      }),
    );
  }
  if (!allowed.includes(alg)) {
    const asymmetric = ASYMMETRIC_ALGS.includes(alg);
    const result = fail("alg", "alg_not_allowed", `algorithm ${alg} is not allowed for provider ${provider.name}`, {
      expected: allowed,
      actual: alg,
      hint: asymmetric
        ? `Add ${alg} to the algorithms of provider ${provider.name} if the IdP really signs with it.`
        : "Only asymmetric JWS algorithms (RS*, PS*, ES*, EdDSA) are supported.",
      ...(asymmetric && provider.algorithms.length > 0
        ? {
            fix: {
              label: `Allow ${alg} for provider ${provider.name}`,
              patch: { entity: "provider" as const, name: provider.name, append: { algorithms: alg } },
            },
          }
        : {}),
    });
    return asymmetric ? result : reject(result);
  }
  return pass("alg", `${alg} is allowed`, { expected: allowed, actual: alg });
}
