import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

/** `next` as the sign-in page reads it: percent-decoded by URLSearchParams, like useSearchParams(). */
const fromQuery = (raw: string) => new URLSearchParams(`next=${raw}`).get("next");
const ORIGIN = "https://gw.example.com";

describe("safeNext (sign-in redirect)", () => {
  it.each([
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "/%09%5Cevil.example",
    "/%5C/evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "//evil.example",
    "///evil.example",
    "/.//evil.example",
    "/%2F/evil.example/..%2F",
    "/%20/evil.example",
    "/%00/evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/login",
    "/login/x",
    "/login?next=%2F%2Fevil.example",
  ])("refuses %s", (raw) => {
    expect(safeNext(fromQuery(raw))).toBe("/servers");
  });

  it.each([
    ["%2Fservers", "/servers"],
    ["%2Fservers%2Frenamed", "/servers/renamed"],
    ["%2Finspector%3Frequest%3D42", "/inspector?request=42"],
    ["/providers/kc?saved=1#top", "/providers/kc?saved=1#top"],
    ["%2Fservers%2Fa%2520b", "/servers/a%20b"],
    ["/servers/../providers", "/providers"],
    ["/loginx", "/loginx"],
  ])("keeps the same-origin path %s", (raw, path) => {
    expect(safeNext(fromQuery(raw))).toBe(path);
  });

  it("never yields a URL on another origin, whatever the input", () => {
    const samples = ["\t", "\n", "\r", "\\", "/", "%", "@", ":", ".", "?", "#", " ", "\u0000", "e"];
    for (const a of samples)
      for (const b of samples)
        for (const c of samples) {
          const next = `/${a}${b}${c}evil.example`;
          expect(new URL(safeNext(next), ORIGIN).origin, JSON.stringify(next)).toBe(ORIGIN);
        }
  });

  it("treats a missing or oversized value as absent", () => {
    expect(safeNext(null)).toBe("/servers");
    expect(safeNext(undefined)).toBe("/servers");
    expect(safeNext(`/${"a".repeat(3000)}`)).toBe("/servers");
  });
});
