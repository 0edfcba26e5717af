import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import type { Diagnosis } from "./types";

const diag = (over: Partial<Diagnosis>): Diagnosis =>
  ({
    verdict: "accept",
    httpStatus: 200,
    checks: [],
    scopes: [],
    fingerprint: "x",
    signatureVerified: true,
    ...over,
  }) as Diagnosis;
const accepted = diag({});
const invalid = diag({
  verdict: "reject",
  httpStatus: 401,
  oauthError: "invalid_token",
  errorDescription: "The access token expired",
});
const noScope = diag({
  verdict: "reject",
  httpStatus: 403,
  oauthError: "insufficient_scope",
  errorDescription: "The access token lacks a required scope",
});

describe("decide", () => {
  it("strict rejects a missing token with 401 and no error code", () => {
    expect(decide("strict", "no_token")).toEqual({
      allow: false,
      authenticated: false,
      reason: "no_token",
      status: 401,
    });
  });

  it("strict rejects invalid tokens (401) and missing scopes (403)", () => {
    expect(decide("strict", invalid)).toMatchObject({
      allow: false,
      status: 401,
      oauthError: "invalid_token",
      errorDescription: "The access token expired",
    });
    expect(decide("strict", noScope)).toMatchObject({
      allow: false,
      status: 403,
      oauthError: "insufficient_scope",
      reason: "insufficient_scope",
    });
  });

  it("every mode lets an accepted token through authenticated", () => {
    for (const m of ["strict", "optional", "permissive"] as const) {
      expect(decide(m, accepted)).toEqual({ allow: true, authenticated: true, status: 200, reason: "accepted" });
    }
  });

  it("optional lets a request without a token pass unauthenticated but rejects an invalid token", () => {
    expect(decide("optional", "no_token")).toEqual({
      allow: true,
      authenticated: false,
      status: 200,
      reason: "no_token",
    });
    expect(decide("optional", invalid)).toMatchObject({ allow: false, status: 401 });
    expect(decide("optional", noScope)).toMatchObject({ allow: false, status: 403 });
  });

  it("permissive passes everything unauthenticated and says what strict would have answered", () => {
    expect(decide("permissive", "no_token")).toEqual({
      allow: true,
      authenticated: false,
      status: 200,
      reason: "permissive",
      wouldReject: { status: 401 },
    });
    expect(decide("permissive", invalid)).toMatchObject({
      allow: true,
      authenticated: false,
      wouldReject: { status: 401, oauthError: "invalid_token" },
    });
  });
});
