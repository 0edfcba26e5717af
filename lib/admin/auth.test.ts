import { describe, expect, it } from "vitest";
import { authenticateAdmin, bearerToken, originAllowed, sessionCookie } from "./auth";
import { hashPassword, verifyPassword } from "./passwords";
import type { AdminRepo } from "../db/admin-repo";

const repo = (sessions: Record<string, string>) =>
  ({ touchSession: async (id: string) => (sessions[id] ? { username: sessions[id] } : null) }) as unknown as AdminRepo;

describe("admin authentication", () => {
  it("accepts the admin token and refuses a wrong one even with a valid cookie", async () => {
    const deps = { adminToken: "t".repeat(20), admin: repo({ sid: "admin" }) };
    expect(await authenticateAdmin({ authorization: `Bearer ${"t".repeat(20)}` }, deps)).toMatchObject({
      via: "token",
    });
    expect(
      await authenticateAdmin({ authorization: "Bearer nope", cookie: "portcullis_session=sid" }, deps),
    ).toBeNull();
    expect(await authenticateAdmin({ cookie: "portcullis_session=sid" }, deps)).toMatchObject({
      via: "session",
      actor: "user:admin",
    });
    expect(await authenticateAdmin({ cookie: "portcullis_session=other" }, deps)).toBeNull();
    expect(await authenticateAdmin({}, deps)).toBeNull();
  });

  it("does not accept any bearer when no ADMIN_TOKEN is configured", async () => {
    expect(await authenticateAdmin({ authorization: "Bearer " }, { admin: repo({}) })).toBeNull();
    expect(await authenticateAdmin({ authorization: "Bearer anything-at-all" }, { admin: repo({}) })).toBeNull();
    expect(bearerToken({ authorization: "Basic abc" })).toBeUndefined();
  });

  it("requires a same-origin Origin on cookie writes", () => {
    const ok = ["http://127.0.0.1:3000"];
    expect(originAllowed("GET", {}, ok)).toBe(true);
    expect(originAllowed("POST", { origin: "http://127.0.0.1:3000" }, ok)).toBe(true);
    expect(originAllowed("DELETE", { origin: "http://evil.example" }, ok)).toBe(false);
    expect(originAllowed("POST", {}, ok)).toBe(false);
    expect(originAllowed("POST", { "sec-fetch-site": "same-origin" }, ok)).toBe(true);
    expect(originAllowed("POST", { "sec-fetch-site": "cross-site" }, ok)).toBe(false);
  });

  it("sets httpOnly SameSite=Lax cookies, Secure on https", () => {
    expect(sessionCookie("abc", false)).toMatch(/HttpOnly/);
    expect(sessionCookie("abc", false)).toMatch(/SameSite=Lax/);
    expect(sessionCookie("abc", false)).not.toMatch(/Secure/);
    expect(sessionCookie("abc", true)).toMatch(/Secure/);
  });

  it("hashes passwords with scrypt and verifies them", async () => {
    const h = await hashPassword("correct horse");
    expect(h).toMatch(/^scrypt\$/);
    expect(h).not.toContain("correct horse");
    expect(await verifyPassword("correct horse", h)).toBe(true);
    expect(await verifyPassword("wrong", h)).toBe(false);
  });
});
