/**
 * Applies a server's enforcement mode to a diagnosis (or to "no token"):
 * - strict: only accepted tokens pass;
 * - optional: no token passes unauthenticated, an invalid token is rejected
 *   (a client that sends a token wants it honoured, so say it is bad);
 * - permissive: everything passes; `wouldReject` tells the caller what strict
 *   would have answered, for the request log.
 * Pure: the proxy turns the decision into headers/body.
 */
import type { Diagnosis } from "./types";

export type Enforcement = "strict" | "optional" | "permissive";

export type Rejection = {
  status: 401 | 403;
  /** Absent for "no token": RFC 6750 §3.1 says no error code when credentials are missing. */
  oauthError?: "invalid_token" | "insufficient_scope";
  errorDescription?: string;
};

export type Decision =
  | {
      allow: true;
      authenticated: boolean;
      status: 200;
      reason: "accepted" | "no_token" | "permissive";
      wouldReject?: Rejection;
    }
  | ({ allow: false; authenticated: false; reason: "no_token" | "invalid_token" | "insufficient_scope" } & Rejection);

/** Every accepted token gets the same decision: one frozen object, not one per request. */
const ACCEPTED: Decision = Object.freeze({ allow: true, authenticated: true, status: 200, reason: "accepted" });

export function decide(enforcement: Enforcement, input: Diagnosis | "no_token"): Decision {
  if (input !== "no_token" && input.verdict === "accept") return ACCEPTED;
  const rejection: Rejection =
    input === "no_token"
      ? { status: 401 }
      : {
          status: input.httpStatus === 403 ? 403 : 401,
          oauthError: input.oauthError,
          errorDescription: input.errorDescription,
        };

  if (enforcement === "permissive") {
    return { allow: true, authenticated: false, status: 200, reason: "permissive", wouldReject: rejection };
  }
  if (input === "no_token") {
    if (enforcement === "optional") return { allow: true, authenticated: false, status: 200, reason: "no_token" };
    return { allow: false, authenticated: false, reason: "no_token", ...rejection };
  }
  return {
    allow: false,
    authenticated: false,
    reason: input.oauthError === "insufficient_scope" ? "insufficient_scope" : "invalid_token",
    ...rejection,
  };
}
