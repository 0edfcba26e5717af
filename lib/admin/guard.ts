/**
 * One gate in front of Next: every /api route needs an admin (token or session),
 * cookie-authenticated writes need our Origin, console pages need a session
 * (else → /login). Route handlers learn the actor from ACTOR_HEADER, which the
 * gate always overwrites.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "../errors";
import { sendError } from "../http/respond";
import type { AdminRepo } from "../db/admin-repo";
import { ACTOR_HEADER, authenticateAdmin, originAllowed } from "./auth";

export type GuardDeps = {
  admin: AdminRepo;
  adminToken?: string;
  expectedOrigins: (req: IncomingMessage) => string[];
  /** The public URL is https: the session cookie is the `__Host-` one. */
  secureCookies: (req: IncomingMessage) => boolean;
};

/** Paths the console serves without a session. */
const PUBLIC_PAGE = /^\/(?:login(?:\/.*)?|_next\/.*|favicon\.ico|robots\.txt|icon\.svg)$/;

/** Returns true when the request was answered (refused or redirected). */
export async function guardConsole(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  deps: GuardDeps,
): Promise<boolean> {
  delete req.headers[ACTOR_HEADER];
  if (pathname === "/api" || pathname.startsWith("/api/")) {
    const id = await authenticateAdmin(req.headers, deps, deps.secureCookies(req));
    if (!id) {
      sendError(
        res,
        new AppError(
          "unauthorized",
          "admin authentication required (Authorization: Bearer <ADMIN_TOKEN> or a console session)",
        ),
        {
          "www-authenticate": 'Bearer realm="portcullis-admin"',
        },
      );
      return true;
    }
    if (id.via === "session" && !originAllowed(req.method ?? "GET", req.headers, deps.expectedOrigins(req))) {
      sendError(
        res,
        new AppError("bad_origin", "cross-origin request refused: the Origin header does not match the console"),
      );
      return true;
    }
    req.headers[ACTOR_HEADER] = id.actor;
    return false;
  }
  if (PUBLIC_PAGE.test(pathname)) return false;
  const id = await authenticateAdmin({ cookie: req.headers.cookie }, deps, deps.secureCookies(req));
  if (id) {
    req.headers[ACTOR_HEADER] = id.actor;
    return false;
  }
  const next = encodeURIComponent(pathname + (req.url?.includes("?") ? req.url.slice(req.url.indexOf("?")) : ""));
  res.writeHead(303, { location: `/login${pathname === "/" ? "" : `?next=${next}`}`, "cache-control": "no-store" });
  res.end();
  return true;
}
