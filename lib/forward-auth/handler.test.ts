import { describe, expect, it } from "vitest";
import { edgeCacheSeconds } from "./handler";

describe("edgeCacheSeconds", () => {
  const now = 1_800_000_000_000;
  it("is what the gateway's own cache would keep: its entry's life, or 60 s for a fresh verdict", () => {
    expect(edgeCacheSeconds({ expiresAt: now / 1000 + 3600, cachedUntil: now + 25_000 }, now)).toBe(25);
    expect(edgeCacheSeconds({ expiresAt: now / 1000 + 3600 }, now)).toBe(60);
  });
  it("never reaches past the token's exp", () => {
    expect(edgeCacheSeconds({ expiresAt: now / 1000 + 7 }, now)).toBe(7);
    expect(edgeCacheSeconds({ expiresAt: now / 1000 + 7, cachedUntil: now + 50_000 }, now)).toBe(7);
    expect(edgeCacheSeconds({ expiresAt: now / 1000 - 1 }, now)).toBe(0);
    expect(edgeCacheSeconds({}, now)).toBe(0);
  });
});
