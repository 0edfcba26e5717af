import { describe, expect, it } from "vitest";
import { originalRequest } from "./original-request";

const at = (rawPath: string, rawSearch = "") => ({ rawPath, rawSearch });

describe("originalRequest", () => {
  it("reads nginx's X-Original-Method and X-Original-URI", () => {
    expect(
      originalRequest("GET", at("/forward-auth"), {
        "x-original-method": "POST",
        "x-original-uri": "/servers/a/mcp?x=1",
      }),
    ).toEqual({ method: "POST", rawPath: "/servers/a/mcp", rawSearch: "?x=1" });
  });

  it("reads Traefik's and Caddy's X-Forwarded-Method and X-Forwarded-Uri", () => {
    expect(
      originalRequest("GET", at("/forward-auth"), {
        "x-forwarded-method": "delete",
        "x-forwarded-uri": "/servers/a/mcp",
      }),
    ).toEqual({ method: "DELETE", rawPath: "/servers/a/mcp", rawSearch: "" });
  });

  it("reads Envoy's prefixed path and the request's own method", () => {
    expect(originalRequest("POST", at("/forward-auth/servers/a/mcp", "?q"), {})).toEqual({
      method: "POST",
      rawPath: "/servers/a/mcp",
      rawSearch: "?q",
    });
  });

  it("prefers X-Original-* over X-Forwarded-* over the path", () => {
    const r = originalRequest("GET", at("/forward-auth/servers/c/mcp"), {
      "x-original-uri": "/servers/a/mcp",
      "x-forwarded-uri": "/servers/b/mcp",
      "x-original-method": "POST",
      "x-forwarded-method": "DELETE",
    });
    expect(r).toEqual({ method: "POST", rawPath: "/servers/a/mcp", rawSearch: "" });
  });

  it("says what is missing or malformed", () => {
    expect(originalRequest("GET", at("/forward-auth"), {})).toMatchObject({
      error: expect.stringContaining("X-Original-URI"),
    });
    expect(originalRequest("GET", at("/forward-auth"), { "x-original-uri": "http://evil/x" })).toMatchObject({
      error: expect.stringContaining("path"),
    });
    expect(
      originalRequest("GET", at("/forward-auth"), { "x-original-uri": "/x", "x-original-method": "PO ST" }),
    ).toMatchObject({ error: expect.stringContaining("method") });
  });
});
