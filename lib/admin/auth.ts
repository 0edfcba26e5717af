/**
 * Admin authentication for /api and the console: `Authorization: Bearer
 * $ADMIN_TOKEN`, or a session cookie (httpOnly, SameSite=Lax; `__Host-` and Secure on
 * https, lib/http/cookies.ts). State-changing requests authenticated by cookie must come
 * from our own Origin.
 */
import type { AdminRepo } from "../db/admin-repo";
import { gatewayCookie, readGatewayCookie } from "../http/cookies";
import { safeEqual } from "./tokens";

export const SESSION_COOKIE = "portcullis_session";
export const SESSION_TTL_MS = 12 * 3600_000;
/** Set by the gateway (never trusted from the client) for route handlers: who is acting. */
export const ACTOR_HEADER = "x-portcullis-actor";

export type AdminIdentity =
  { via: "token"; actor: "admin-token" } | { via: "session"; actor: string; sessionId: string };

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export function bearerToken(h: Headers): string | undefined {
  const m = /^Bearer\s+([^\s]+)\s*$/i.exec(header(h, "authorization") ?? "");
  return m?.[1];
}

/** `secure`: the public URL is https, so only the `__Host-` cookie counts. */
export function sessionIdFrom(h: Headers, secure = false): string | undefined {
  return readGatewayCookie(h.cookie, SESSION_COOKIE, secure);
}

export async function authenticateAdmin(
  h: Headers,
  deps: { adminToken?: string; admin: AdminRepo },
  secure = false,
): Promise<AdminIdentity | null> {
  const bearer = bearerToken(h);
  if (bearer !== undefined) {
    // A presented bearer is judged alone: a wrong token is not rescued by a cookie.
    return deps.adminToken && safeEqual(bearer, deps.adminToken) ? { via: "token", actor: "admin-token" } : null;
  }
  const sid = sessionIdFrom(h, secure);
  if (!sid) return null;
  const s = await deps.admin.touchSession(sid, SESSION_TTL_MS);
  return s ? { via: "session", actor: `user:${s.username}`, sessionId: sid } : null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for cookie sessions: a write must carry an Origin equal to the
 * console's own origin (or, from older browsers, Sec-Fetch-Site: same-origin).
 */
export function originAllowed(method: string, h: Headers, expectedOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const origin = header(h, "origin");
  if (origin) return expectedOrigins.includes(origin.toLowerCase());
  return header(h, "sec-fetch-site") === "same-origin";
}

export const sessionCookie = (sessionId: string, secure: boolean) =>
  gatewayCookie(SESSION_COOKIE, sessionId, { secure, maxAgeSeconds: SESSION_TTL_MS / 1000 });

export const clearSessionCookie = (secure: boolean) => gatewayCookie(SESSION_COOKIE, "", { secure, maxAgeSeconds: 0 });
