import { describe, expect, it } from "vitest";
import { allowedAlgorithms, ASYMMETRIC_ALGS } from "./alg";

// The list comes from the config schema; the token check must not trust it blindly.
describe("the asymmetric algorithm list", () => {
  it("names no HMAC or unsigned algorithm", () => {
    expect(ASYMMETRIC_ALGS.length).toBeGreaterThan(0);
    for (const alg of ASYMMETRIC_ALGS) expect(alg).toMatch(/^(RS|PS|ES)(256|384|512)$|^ES256K$|^EdDSA$|^Ed25519$/);
  });

  it("drops anything else a configured allowlist names", () => {
    expect(allowedAlgorithms(["RS256", "HS256", "none"])).toEqual(["RS256"]);
  });
});
