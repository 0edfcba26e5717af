/**
 * What a forward-auth request says about the request it asks about. Each
 * edge proxy has its own convention; the first that applies wins:
 * - nginx `auth_request` (our template): `X-Original-Method`, `X-Original-URI`;
 * - Traefik ForwardAuth and Caddy `forward_auth`: `X-Forwarded-Method`, `X-Forwarded-Uri`;
 * - Envoy `ext_authz` (HTTP service, `path_prefix: /forward-auth`): the
 *   original method, and the original path after the prefix.
 * The host and scheme come from `Host` and the forwarding headers, which the
 * public-base resolution honours for a trusted peer only. The caller must
 * have checked that the peer is in TRUSTED_PROXIES: these headers are taken
 * as true.
 */
import type { IncomingHttpHeaders } from "node:http";

export const FORWARD_AUTH_PATH = "/forward-auth";

export type OriginalRequest = {
  method: string;
  /** Path as sent, not normalised. */
  rawPath: string;
  /** Query including "?", or "". */
  rawSearch: string;
};

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
const METHOD_RE = /^[A-Z]{1,16}$/;

/** The original request, or a reason it cannot be known. */
export function originalRequest(
  method: string,
  target: { rawPath: string; rawSearch: string },
  headers: IncomingHttpHeaders,
): OriginalRequest | { error: string } {
  const envoyPath =
    target.rawPath.length > FORWARD_AUTH_PATH.length ? target.rawPath.slice(FORWARD_AUTH_PATH.length) : undefined;
  const uri =
    first(headers["x-original-uri"]) ??
    first(headers["x-forwarded-uri"]) ??
    (envoyPath !== undefined ? envoyPath + target.rawSearch : undefined);
  if (uri === undefined)
    return {
      error:
        "the original request's URI is missing: send X-Original-URI (nginx), X-Forwarded-Uri (Traefik, Caddy) or append it to /forward-auth (Envoy path_prefix)",
    };
  if (!uri.startsWith("/")) return { error: "the original request's URI must be a path starting with /" };
  const m = (first(headers["x-original-method"]) ?? first(headers["x-forwarded-method"]) ?? method).toUpperCase();
  if (!METHOD_RE.test(m)) return { error: "the original request's method is not an HTTP method" };
  const q = uri.indexOf("?");
  return { method: m, rawPath: q === -1 ? uri : uri.slice(0, q), rawSearch: q === -1 ? "" : uri.slice(q) };
}
