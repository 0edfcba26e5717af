/**
 * /api/auth/login, /api/auth/logout, /api/auth/session — the only /api routes
 * reachable without a session. Login attempts are rate-limited per client address.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "../errors";
import { parseOrThrow } from "../config/field-errors";
import { readBody, sendError, sendJson } from "../http/respond";
import type { AdminRepo } from "../db/admin-repo";
import { loginSchema } from "./login-request";
import { verifyPassword } from "./passwords";
import { randomId } from "./tokens";
import {
  authenticateAdmin,
  clearSessionCookie,
  originAllowed,
  sessionCookie,
  sessionIdFrom,
  SESSION_TTL_MS,
} from "./auth";
import { lockoutMessage, type RateLimiter } from "./rate-limit";
import type { Logger } from "../log";
import { requestRateLimitKey } from "../urls/client-address";
import type { TrustedProxies } from "../urls/trusted-proxies";

export type LoginRouteDeps = {
  admin: AdminRepo;
  adminToken?: string;
  /** Peers whose X-Forwarded-For names the client (the sign-in rate limit is per client). */
  trustedProxies: TrustedProxies;
  /** Sign-in attempts per client address (shared by the replicas). */
  signIns: RateLimiter;
  /** Origins the console is served from for this request (CSRF check). */
  expectedOrigins: (req: IncomingMessage) => string[];
  secureCookies: (req: IncomingMessage) => boolean;
  /** Failed sign-ins and lockouts are logged as warnings (the client's address, never the password). */
  logger?: Logger;
};

export function createLoginRoutes(deps: LoginRouteDeps) {
  return async function handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (!pathname.startsWith("/api/auth/")) return false;
    try {
      const method = req.method ?? "GET";
      if (!originAllowed(method, req.headers, deps.expectedOrigins(req))) {
        throw new AppError("bad_origin", "cross-origin request refused");
      }
      if (pathname === "/api/auth/login" && method === "POST") {
        const client = requestRateLimitKey(req, deps.trustedProxies);
        if (!(await deps.signIns.take(client))) {
          deps.logger?.warn({ client }, "console sign-in refused: too many attempts from this address");
          throw new AppError("rate_limited", lockoutMessage());
        }
        const body = parseOrThrow(
          loginSchema,
          JSON.parse((await readBody(req, 16 * 1024)).toString("utf8") || "{}"),
          "sign-in",
        );
        const user = await deps.admin.findUser(body.username);
        // Same work and same answer whether the user exists or not.
        const ok = user
          ? await verifyPassword(body.password, user.passwordHash)
          : await verifyPassword(body.password, DUMMY_HASH).then(() => false);
        if (!user || !ok) {
          // The name only when it is a real account: a password typed into the name field must not be logged.
          deps.logger?.warn({ client, user: user?.username }, "console sign-in failed: wrong username or password");
          throw new AppError("unauthorized", "wrong username or password");
        }
        const sid = randomId();
        await deps.admin.createSession(sid, user.id, SESSION_TTL_MS);
        sendJson(
          res,
          200,
          { authenticated: true, username: user.username },
          { "set-cookie": sessionCookie(sid, deps.secureCookies(req)) },
        );
        return true;
      }
      if (pathname === "/api/auth/logout" && method === "POST") {
        const sid = sessionIdFrom(req.headers, deps.secureCookies(req));
        if (sid) await deps.admin.deleteSession(sid);
        sendJson(res, 200, { authenticated: false }, { "set-cookie": clearSessionCookie(deps.secureCookies(req)) });
        return true;
      }
      if (pathname === "/api/auth/session" && method === "GET") {
        const id = await authenticateAdmin(req.headers, deps, deps.secureCookies(req));
        sendJson(res, 200, id ? { authenticated: true, actor: id.actor, via: id.via } : { authenticated: false });
        return true;
      }
      throw new AppError("not_found", `no route ${method} ${pathname}`);
    } catch (e) {
      if (e instanceof SyntaxError) sendError(res, new AppError("bad_request", "request body is not valid JSON"));
      else sendError(res, e);
      return true;
    }
  };
}

// A valid hash of a random password, so unknown users cost one scrypt too.
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
