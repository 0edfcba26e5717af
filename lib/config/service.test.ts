import { describe, expect, it } from "vitest";
import { applyPatch, patchSchema } from "./service";

describe("applyPatch (one-click fixes)", () => {
  const server = { name: "fetcher", oauth: { provider: "kc", includeClientIdInAudience: false, audiences: ["a"] } };

  it("sets a nested field without touching the original", () => {
    const out = applyPatch(server, { set: { "oauth.includeClientIdInAudience": true } });
    expect(out.oauth).toEqual({ provider: "kc", includeClientIdInAudience: true, audiences: ["a"] });
    expect(server.oauth.includeClientIdInAudience).toBe(false);
  });

  it("appends to a list once", () => {
    const once = applyPatch(server, { append: { "oauth.audiences": "b" } });
    expect(applyPatch(once, { append: { "oauth.audiences": "b" } }).oauth).toMatchObject({ audiences: ["a", "b"] });
  });

  it("refuses prototype pollution and non-object parents", () => {
    expect(() => applyPatch(server, { set: { "__proto__.polluted": true } })).toThrow(/bad path/);
    expect(() => applyPatch(server, { set: { "name.x": 1 } })).toThrow(/not an object/);
    expect(patchSchema.safeParse({}).success).toBe(false);
    expect(patchSchema.safeParse({ set: { "a b": 1 } }).success).toBe(false);
  });
});
