/**
 * The public base URL of a request (DESIGN.md § Public URLs), in this order:
 * 1. a server's `publicUrls` entry whose host matches the request host;
 * 2. the global PUBLIC_URL;
 * 3. Forwarded / X-Forwarded-* — only when the TCP peer is a trusted proxy;
 * 4. the request's own scheme and Host.
 * Returned URLs never end with "/"; a path prefix (https://x/gw) is kept.
 */
import type { TrustedProxies } from "./trusted-proxies";

export type RequestFacts = {
  /** Host header (or :authority). */
  host: string | undefined;
  /** Did the request arrive over TLS at this process? */
  encrypted: boolean;
  /** TCP peer address. */
  peer: string | undefined;
  headers: Record<string, string | string[] | undefined>;
};

export type PublicBase = { base: URL; source: "server_public_url" | "public_url" | "forwarded" | "request" };

export type PublicBaseOptions = { publicUrl?: string; trustedProxies: TrustedProxies; serverPublicUrls?: readonly string[] };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim() || undefined;

/** RFC 7239: the element appended by our immediate (trusted) peer is the last one. */
export function parseForwarded(value: string | undefined): { proto?: string; host?: string } {
  if (!value) return {};
  const elements = value.split(",");
  const last = elements[elements.length - 1];
  const out: { proto?: string; host?: string } = {};
  for (const pair of last.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    const val = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    if (key === "proto") out.proto = val.toLowerCase();
    if (key === "host") out.host = val;
  }
  return out;
}

const HOST_RE = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;
const PREFIX_RE = /^\/[A-Za-z0-9._~\-/]*$/;

function tryBase(proto: string, host: string, prefix = ""): URL | null {
  if (proto !== "http" && proto !== "https") return null;
  if (!HOST_RE.test(host)) return null;
  if (prefix && !PREFIX_RE.test(prefix)) return null;
  try {
    const u = new URL(`${proto}://${host}`);
    u.pathname = prefix.replace(/\/+$/, "") || "/";
    return u;
  } catch {
    return null;
  }
}

/** Host of the request as the client addressed it, lower-cased (port kept). */
export function requestHost(facts: RequestFacts): string | undefined {
  return facts.host?.toLowerCase();
}

export function resolvePublicBase(facts: RequestFacts, opts: PublicBaseOptions): PublicBase {
  const host = requestHost(facts);
  if (opts.serverPublicUrls?.length && host) {
    for (const raw of opts.serverPublicUrls) {
      const u = new URL(raw);
      if (u.host.toLowerCase() === host) return { base: u, source: "server_public_url" };
    }
  }
  if (opts.publicUrl) return { base: new URL(opts.publicUrl), source: "public_url" };

  if (opts.trustedProxies.matches(facts.peer)) {
    const raw = facts.headers["forwarded"];
    const fwd = parseForwarded(Array.isArray(raw) ? raw.join(",") : raw);
    const proto = fwd.proto ?? first(facts.headers["x-forwarded-proto"])?.toLowerCase();
    const fhost = fwd.host ?? first(facts.headers["x-forwarded-host"]);
    const prefix = first(facts.headers["x-forwarded-prefix"]);
    if (proto || fhost || prefix) {
      const u = tryBase(proto ?? (facts.encrypted ? "https" : "http"), fhost ?? host ?? "", prefix);
      if (u) return { base: u, source: "forwarded" };
    }
  }
  const u = tryBase(facts.encrypted ? "https" : "http", host ?? "localhost");
  return { base: u ?? new URL("http://localhost"), source: "request" };
}

/** Joins a base (which may carry a path prefix) and an absolute path with the URL API. */
export function joinBase(base: URL, path: string): URL {
  const u = new URL(base.href);
  u.pathname = (u.pathname.replace(/\/+$/, "") + path).replace(/\/{2,}/g, "/");
  u.search = "";
  u.hash = "";
  return u;
}

/** `https://x/` → `https://x`: RFC 9728 resource identifiers carry no trailing slash. */
export const urlString = (u: URL) => (u.pathname === "/" && !u.search ? u.origin : u.href);

export function factsFromNodeRequest(req: import("node:http").IncomingMessage): RequestFacts {
  return {
    host: req.headers.host,
    encrypted: Boolean((req.socket as { encrypted?: boolean }).encrypted),
    peer: req.socket.remoteAddress,
    headers: req.headers,
  };
}
