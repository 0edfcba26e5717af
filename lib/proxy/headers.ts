/**
 * Header hygiene between client, gateway and upstream.
 *
 * Client responses (what an upstream can do to the gateway's origin, docs/security.md):
 * - hop-by-hop headers and every header named in `Connection` are dropped;
 * - every response gets `Content-Security-Policy: sandbox; …` and `X-Content-Type-Options: nosniff`
 *   (replacing the upstream's), so upstream HTML never runs script on the console's origin;
 * - `Set-Cookie` lines that would set one of the gateway's cookies, and `Clear-Site-Data`, are dropped.
 *
 * Upstream requests:
 * - hop-by-hop headers (RFC 9110 §7.6.1) and every header named in `Connection` are dropped;
 * - `X-Portcullis-*` from the client is always dropped (only the gateway asserts identity);
 * - forwarding headers are rewritten from what the gateway resolved, never copied from the client;
 * - `auth: oauth` and `auth: none`: the client's `Authorization` and `Cookie` never reach the
 *   upstream (no token passthrough); `auth: passthrough` keeps them, minus the gateway's own
 *   `portcullis*` cookies (the console session must never leak to an upstream);
 * - `Accept-Encoding: identity`: a compressed event stream would be buffered by the compressor.
 * Header values we add (identity) are made header-safe: claims are JSON strings and may hold CR/LF.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { parseSetCookie } from "cookie";

export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
  "proxy-authenticate",
]);

export type AuthMode = "oauth" | "passthrough" | "none";

export type Identity = { subject?: string; client?: string; scopes: readonly string[] };

export type UpstreamHeaderOptions = {
  mode: AuthMode;
  upstreamAuth?: { header: string; value?: string };
  /** Set when the token was verified and the server wants identity headers. */
  identity?: Identity;
  forwarded: { for?: string; priorFor?: string; proto: string; host: string; prefix?: string };
};

/** Names listed in `Connection: a, b` (lower case). */
export function connectionTokens(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const s = Array.isArray(value) ? value.join(",") : value;
  return s
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

/** Values we put in headers: printable ASCII kept, anything else percent-encoded; bounded. */
export function headerSafe(v: string, max = 1024): string {
  const s = /^[\x20-\x7e]*$/.test(v) ? v : encodeURIComponent(v);
  return s.length > max ? s.slice(0, max) : s;
}

/** The gateway owns every cookie named `portcullis…`, with or without a cookie-name prefix (any case). */
const GATEWAY_COOKIE_NAME = /^(?:__(?:host-http|host|secure|http)-)?portcullis/i;

export const isGatewayCookieName = (name: string): boolean => GATEWAY_COOKIE_NAME.test(name);

/** Drops the gateway's own cookies from a Cookie header; undefined when nothing is left. */
export function withoutGatewayCookies(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const kept = cookie.split(";").filter((c) => c.trim() && !isGatewayCookieName(c.trimStart()));
  return kept.length ? kept.map((c) => c.trim()).join("; ") : undefined;
}

const RAW = { decode: (s: string) => s };

/**
 * Does this Set-Cookie line set (or delete) a cookie the gateway owns? A nameless cookie
 * (`=portcullis_session=x`) is sent back as its bare value, so its value is what the gateway would read.
 */
export function setsGatewayCookie(line: string): boolean {
  const { name, value } = parseSetCookie(line, RAW);
  return isGatewayCookieName(name !== "" ? name : (value ?? ""));
}

/** An upstream's Set-Cookie lines without the ones that touch gateway cookies; undefined when none is left. */
function upstreamSetCookies(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const lines = Array.isArray(v) ? v : [v];
  let kept: string[] | undefined;
  for (const line of lines) if (!setsGatewayCookie(line)) (kept ??= []).push(line);
  return kept;
}

export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, o: UpstreamHeaderOptions): OutgoingHttpHeaders {
  const named = namedByConnection(incoming.connection);
  const out: OutgoingHttpHeaders = {};
  for (const key in incoming) {
    const v = incoming[key];
    if (v === undefined) continue;
    if (HOP_BY_HOP.has(key) || named?.includes(key)) continue;
    switch (key) {
      case "host": // set from the upstream URL (changeOrigin)
      case "expect": // Node answers 100-continue itself; the body is streamed anyway
      case "forwarded":
      case "accept-encoding":
        continue;
      case "authorization":
        if (o.mode !== "passthrough") continue;
        break;
      case "cookie": {
        if (o.mode !== "passthrough") continue;
        const kept = withoutGatewayCookies(Array.isArray(v) ? v.join("; ") : v);
        if (kept) out.cookie = kept;
        continue;
      }
    }
    if (key.charCodeAt(0) === 120 /* x */ && (key.startsWith("x-portcullis-") || key.startsWith("x-forwarded-")))
      continue;
    out[key] = v;
  }
  out["accept-encoding"] = "identity";

  const f = o.forwarded;
  if (f.for) out["x-forwarded-for"] = f.priorFor ? `${f.priorFor}, ${f.for}` : f.for;
  out["x-forwarded-proto"] = f.proto;
  out["x-forwarded-host"] = f.host;
  if (f.prefix) out["x-forwarded-prefix"] = f.prefix;

  if (o.upstreamAuth) {
    // The header is the gateway's credential: a client-sent value never passes, even when no value is stored.
    const h = o.upstreamAuth.header.toLowerCase();
    delete out[h];
    if (o.upstreamAuth.value) out[h] = o.upstreamAuth.value;
  }
  if (o.identity) {
    if (o.identity.subject) out["x-portcullis-subject"] = headerSafe(o.identity.subject);
    if (o.identity.client) out["x-portcullis-client"] = headerSafe(o.identity.client);
    out["x-portcullis-scopes"] = headerSafe(o.identity.scopes.join(" "), 4096);
  }
  return out;
}

/** Upstream content is sandboxed: no script, no plugins, no framing, its own opaque origin. */
export const UPSTREAM_CONTENT_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'";

/** Upstream response headers the client never gets as sent: hop-by-hop, ours instead, or filtered. */
const RESPONSE_RULES: ReadonlyMap<string, "drop" | "cookies"> = new Map([
  ...[...HOP_BY_HOP].map((h) => [h, "drop"] as const),
  ["content-security-policy", "drop"], // replaced by UPSTREAM_CONTENT_POLICY
  ["x-content-type-options", "drop"], // replaced by nosniff
  ["clear-site-data", "drop"], // would clear the console's cookies and storage
  ["nel", "drop"], // origin-wide: would report every URL of the gateway's origin to the upstream's collector
  ["report-to", "drop"],
  ["reporting-endpoints", "drop"],
  ["set-cookie", "cookies"],
]);

/**
 * An upstream response's headers as the client gets them: the rules above, `extra`
 * (CORS) added unless the upstream answered CORS itself, and `X-Accel-Buffering: no`
 * so nginx-style proxies in front of us don't buffer (SSE must flow event by event).
 * A new object: deleting keys from the parsed one would turn it into a slow
 * dictionary that http-proxy then walks on every response.
 */
export function clientResponseHeaders(
  headers: IncomingHttpHeaders,
  extra?: Readonly<Record<string, string>>,
): IncomingHttpHeaders {
  const named = namedByConnection(headers.connection);
  const out: IncomingHttpHeaders = {};
  for (const k in headers) {
    const rule = RESPONSE_RULES.get(k);
    if (rule === "drop" || named?.includes(k)) continue;
    if (rule === "cookies") {
      const kept = upstreamSetCookies(headers[k]);
      if (kept) out[k] = kept;
      continue;
    }
    out[k] = headers[k];
  }
  if (extra && out["access-control-allow-origin"] === undefined) for (const k in extra) out[k] = extra[k];
  out["x-accel-buffering"] = "no";
  out["content-security-policy"] = UPSTREAM_CONTENT_POLICY;
  out["x-content-type-options"] = "nosniff";
  return out;
}

/** `Connection: keep-alive` or `close` names no other header (the usual case: skip the token split). */
const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/** Header names a `Connection` value lists, beyond keep-alive/close; undefined when none (hot path: exact values skip the regex). */
function namedByConnection(conn: string | undefined): string[] | undefined {
  if (!conn || conn === "keep-alive" || conn === "close" || PLAIN_CONNECTION.test(conn)) return undefined;
  return connectionTokens(conn);
}
