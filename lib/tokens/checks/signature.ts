/**
 * Step 4 — verify the signature with the cached, already-imported key(s):
 * synchronously where sync-signature.ts can (the common algs), else with
 * jose's compactVerify. Both check only the JWS (and `crit`); the claim checks
 * below are ours so each gets its own diagnosis line.
 */
import { compactVerify } from "jose";
import { syncVerifier } from "../sync-signature";
import type { Check } from "../types";
import { fail, pass, skip, type CheckContext } from "./context";

export async function checkSignature(ctx: CheckContext): Promise<Check> {
  if (!ctx.keys || ctx.keys.length === 0) return skip("signature", "not verified: no key");
  const alg = ctx.header?.alg as string;
  let lastError: unknown;
  for (const key of ctx.keys) {
    try {
      const verify = syncVerifier(key, alg);
      if (verify) verify(ctx.token);
      else await compactVerify(ctx.token, key, { algorithms: [alg] });
      ctx.signatureVerified = true;
      return pass("signature", `valid ${alg} signature`);
    } catch (e) {
      lastError = e;
    }
  }
  const detail = lastError instanceof Error && "code" in lastError ? ` (${String(lastError.code)})` : "";
  return fail("signature", "signature_invalid", `the signature does not verify${detail}`, {
    hint: "The token was altered, or signed by a different key that reuses this kid. Tokens from another IdP or realm fail this way.",
  });
}
