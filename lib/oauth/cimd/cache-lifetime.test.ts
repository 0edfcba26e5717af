import { describe, expect, it } from "vitest";
import { cacheLifetimeMs, CIMD_CACHE_BOUNDS } from "./cache-lifetime";

const h = (o: Record<string, string>) => new Headers(o);
const { minMs, maxMs, defaultMs } = CIMD_CACHE_BOUNDS;

describe("how long a document is reused", () => {
  it("honours max-age less Age, within bounds", () => {
    expect(cacheLifetimeMs(h({ "cache-control": "public, max-age=600" }))).toBe(600_000);
    expect(cacheLifetimeMs(h({ "cache-control": "max-age=600", age: "100" }))).toBe(500_000);
    expect(cacheLifetimeMs(h({ "cache-control": "max-age=1" }))).toBe(minMs);
    expect(cacheLifetimeMs(h({ "cache-control": "max-age=31536000" }))).toBe(maxMs);
  });

  it("uses Expires − Date when there is no max-age", () => {
    const date = "Mon, 07 Dec 2026 10:00:00 GMT";
    expect(cacheLifetimeMs(h({ date, expires: "Mon, 07 Dec 2026 10:30:00 GMT" }))).toBe(1_800_000);
  });

  it("no-store and no-cache get the floor, not a fetch per authorization", () => {
    expect(cacheLifetimeMs(h({ "cache-control": "no-store" }))).toBe(minMs);
    expect(cacheLifetimeMs(h({ "cache-control": "no-cache, max-age=600" }))).toBe(minMs);
  });

  it("no caching headers: the default", () => {
    expect(cacheLifetimeMs(h({}))).toBe(defaultMs);
    expect(cacheLifetimeMs(h({ "cache-control": "max-age=soon" }))).toBe(defaultMs);
  });
});
