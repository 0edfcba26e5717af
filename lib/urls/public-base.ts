/**
 * The public base URL of a request (docs/deployment.md, "Public URLs"; docs/security.md, "Allowed hosts"), in this order:
 * 1. a server's `publicUrls` entry whose host matches the request host;
 * 2. the global PUBLIC_URL;
 * 3. when the server has publicUrls: the first of them — a configured URL is never replaced by
 *    one the request names;
 * 4. Forwarded / X-Forwarded-* — only when the TCP peer is a trusted proxy;
 * 5. the request's own scheme and Host.
 * "The request host" in step 1 is X-Forwarded-Host/Forwarded host when the
 * peer is trusted (a TLS proxy often rewrites Host), else the Host header.
 * Returned bases never end with "/" unless they are bare origins; a path
 * prefix (https://x/gw) is kept. Returned URL objects are shared: never mutate.
 */
import { readForwarding, type ForwardedInfo } from "./forwarded";

import type { TrustedProxies } from "./trusted-proxies";

export type RequestFacts = {
  /** Host header (or :authority). */
  host: string | undefined;
  /** Did the request arrive over TLS at this process? */
  encrypted: boolean;
  /** TCP peer address. */
  peer: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Local socket address and port: the fallback when a request has no usable Host. */
  localAddress?: string;
  localPort?: number;
};

export type PublicBaseSource = "server_public_url" | "public_url" | "forwarded" | "request";
export type PublicBase = { base: URL; source: PublicBaseSource };

export type PublicBaseOptions = {
  publicUrl?: string | URL;
  trustedProxies: TrustedProxies;
  /** The server's `publicUrls` (pre-parsed URLs avoid a parse per request). */
  serverPublicUrls?: readonly (string | URL)[];
  /**
   * With serverPublicUrls, may a request that matches none of them still use its own URL?
   * Default false (step 3). The facade sets it when some of its servers have no publicUrls.
   */
  requestFallback?: boolean;
};

/** What a document built from the public base varies with (the `Vary` of host-dependent responses). */
export const PUBLIC_BASE_VARY =
  "Host, Forwarded, X-Forwarded-Host, X-Forwarded-Proto, X-Forwarded-Prefix, X-Forwarded-Port";

// Host header grammar (RFC 9110 §7.2, reg-name restricted to DNS characters) with optional port.
const HOST_RE = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/;
const PREFIX_RE = /^\/[A-Za-z0-9._~\-/]*$/;
const PORT_RE = /^\d{1,5}$/;

/**
 * Bases are memoised by (proto, host, prefix): the same few values repeat on
 * every request, and a stable URL object lets callers cache per base. Hostile
 * Host headers only churn the memo (bounded), never grow it.
 */
const memo = new Map<string, URL | null>();
const MEMO_MAX = 512;
/** The common case (no prefix) keyed by the Host string itself: no key to build per request. */
const plain = { http: new Map<string, URL | null>(), https: new Map<string, URL | null>() };

export function buildBase(proto: string, host: string, prefix = ""): URL | null {
  if (!prefix && (proto === "http" || proto === "https")) {
    const m = plain[proto];
    let u = m.get(host);
    if (u === undefined) {
      u = parseBase(proto, host, "");
      if (m.size >= MEMO_MAX) m.clear();
      m.set(host, u);
    }
    return u;
  }
  const key = `${proto}\n${host}\n${prefix}`;
  let u = memo.get(key);
  if (u !== undefined) return u;
  u = parseBase(proto, host, prefix);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, u);
  return u;
}

function parseBase(proto: string, host: string, prefix: string): URL | null {
  if (proto !== "http" && proto !== "https") return null;
  if (!HOST_RE.test(host)) return null;
  if (prefix && (!PREFIX_RE.test(prefix) || prefix.split("/").some((s) => s === "." || s === ".."))) return null;
  try {
    const u = new URL(`${proto}://${host}`);
    u.pathname = prefix.replace(/\/{2,}/g, "/").replace(/\/+$/, "") || "/";
    return u;
  } catch {
    return null; // e.g. port > 65535
  }
}

/** Splits `host[:port]` (IPv6 in brackets); hostname lower-cased. */
export function splitHost(host: string): { hostname: string; port?: string } {
  const h = host.toLowerCase();
  const close = h.lastIndexOf("]");
  const colon = h.lastIndexOf(":");
  if (colon > close && colon > -1) return { hostname: h.slice(0, colon), port: h.slice(colon + 1) };
  return { hostname: h };
}

const defaultPort = (protocol: string) => (protocol === "https:" ? "443" : "80");

/**
 * Does the request host designate this public URL? Hostnames must be equal;
 * a port in the request host must equal the URL's (explicit or default) port.
 * A request without a port matches whatever the URL's port: behind a TLS
 * proxy the Host is `mcp.example.com` while the public URL is https.
 */
export function hostMatches(requestHost: string, url: URL): boolean {
  const { hostname, port } = splitHost(requestHost);
  if (hostname !== url.hostname) return false;
  return port === undefined || port === (url.port || defaultPort(url.protocol));
}

function trustedForwarding(facts: RequestFacts, trusted: TrustedProxies): ForwardedInfo | undefined {
  if (!trusted.matches(facts.peer)) return undefined;
  const f = readForwarding(facts.headers);
  return f.proto || f.host || f.prefix || f.port ? f : undefined;
}

/** Forwarded host with X-Forwarded-Port applied when the host carries no port. */
function forwardedHost(f: ForwardedInfo): string | undefined {
  if (!f.host) return undefined;
  if (f.port && PORT_RE.test(f.port) && splitHost(f.host).port === undefined) return `${f.host}:${f.port}`;
  return f.host;
}

const asUrl = (u: string | URL) => (typeof u === "string" ? new URL(u) : u);

export function resolvePublicBase(facts: RequestFacts, opts: PublicBaseOptions): PublicBase {
  const fwd = trustedForwarding(facts, opts.trustedProxies);
  const host = (fwd && forwardedHost(fwd)) ?? facts.host;

  if (opts.serverPublicUrls?.length && host) {
    let found: URL | undefined;
    for (const raw of opts.serverPublicUrls) {
      const u = asUrl(raw);
      if (!hostMatches(host, u)) continue;
      // Several public URLs on one host differ by prefix: a trusted prefix picks one.
      if (!found || (fwd?.prefix && u.pathname.replace(/\/+$/, "") === fwd.prefix.replace(/\/+$/, ""))) found = u;
    }
    if (found) return { base: found, source: "server_public_url" };
  }
  if (opts.publicUrl) return { base: asUrl(opts.publicUrl), source: "public_url" };
  if (opts.serverPublicUrls?.length && !opts.requestFallback)
    return { base: asUrl(opts.serverPublicUrls[0]), source: "server_public_url" };

  const own = facts.encrypted ? "https" : "http";
  if (fwd) {
    const u = buildBase(fwd.proto ?? own, host ?? "", fwd.prefix);
    if (u) return { base: u, source: "forwarded" };
  }
  const u = (facts.host && buildBase(own, facts.host)) || localBase(own, facts);
  return { base: u, source: "request" };
}

/** No usable Host header (HTTP/1.0, garbage): the address the client connected to. */
function localBase(proto: string, facts: RequestFacts): URL {
  const a = facts.localAddress;
  if (a && facts.localPort) {
    const host = a.includes(":") ? `[${a}]:${facts.localPort}` : `${a}:${facts.localPort}`;
    const u = buildBase(proto, host);
    if (u) return u;
  }
  return buildBase(proto, "localhost") as URL;
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
export const urlString = (u: URL) => (u.pathname === "/" && !u.search ? u.origin : u.href.replace(/\/+$/, ""));

/** `headers`: the caller's req.headers, when it already read them (see handleMcp). */
export function factsFromNodeRequest(req: import("node:http").IncomingMessage, headers = req.headers): RequestFacts {
  return {
    host: headers.host,
    encrypted: Boolean((req.socket as { encrypted?: boolean }).encrypted),
    peer: req.socket.remoteAddress,
    headers,
    localAddress: req.socket.localAddress,
    localPort: req.socket.localPort,
  };
}
