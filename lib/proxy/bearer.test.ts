import { describe, expect, it } from "vitest";
import { bearerFromHeader, hasQueryToken } from "./bearer";

describe("bearerFromHeader", () => {
  it("reads Bearer tokens case-insensitively", () => {
    expect(bearerFromHeader("Bearer abc")).toEqual({ kind: "bearer", token: "abc" });
    expect(bearerFromHeader("bearer  abc ")).toEqual({ kind: "bearer", token: "abc" });
  });
  it("treats other schemes and absence as no token, and an empty bearer as a malformed token", () => {
    expect(bearerFromHeader(undefined)).toEqual({ kind: "none" });
    expect(bearerFromHeader("Basic dXNlcjpwdw==")).toEqual({ kind: "none" });
    expect(bearerFromHeader("Bearerabc")).toEqual({ kind: "none" });
    expect(bearerFromHeader("Bearer  ")).toEqual({ kind: "none" });
    expect(bearerFromHeader("Bearer \t x")).toEqual({ kind: "bearer", token: "x" });
  });
});

describe("hasQueryToken", () => {
  it("finds access_token in any spelling", () => {
    expect(hasQueryToken("?access_token=x")).toBe(true);
    expect(hasQueryToken("?a=1&ACCESS_TOKEN=x")).toBe(true);
    expect(hasQueryToken("?access%5Ftoken=x")).toBe(true);
    expect(hasQueryToken("?a=access_token")).toBe(false);
    expect(hasQueryToken("")).toBe(false);
  });
});
