import { describe, expect, it } from "vitest";
import { ExpiringLru } from "./lru";

describe("ExpiringLru", () => {
  it("evicts the least recently used entry when full", () => {
    const c = new ExpiringLru<number>(2);
    c.set("a", 1, 100);
    c.set("b", 2, 100);
    expect(c.get("a", 0)).toBe(1);
    c.set("c", 3, 100);
    expect(c.get("b", 0)).toBeUndefined();
    expect(c.get("a", 0)).toBe(1);
    expect(c.size).toBe(2);
  });

  it("treats entries at or past their expiry as absent and drops them", () => {
    const c = new ExpiringLru<number>(5);
    c.set("a", 1, 100);
    expect(c.get("a", 99)).toBe(1);
    expect(c.get("a", 100)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("stays bounded under many distinct keys", () => {
    const c = new ExpiringLru<number>(1000);
    for (let i = 0; i < 50_000; i++) c.set(String(i), i, 1e12);
    expect(c.size).toBe(1000);
    expect(c.get("49999", 0)).toBe(49999);
  });
});
