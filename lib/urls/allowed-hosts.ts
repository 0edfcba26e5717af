/**
 * Allowed hosts, Django's ALLOWED_HOSTS model: the gateway answers a request only when its host
 * (the Host header, or a trusted proxy's forwarded host) is one of the gateway's own names —
 * the host of PUBLIC_URL, of every server's publicUrls, a loopback name, or an ALLOWED_HOSTS
 * entry (`name`, `.domain` for the domain and its subdomains, `*` for any host). Ports are not
 * compared. Everything else is refused before any route runs, so a client's Host header can
 * never choose a URL the gateway publishes, an audience it accepts or a callback it registers.
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { readForwarding } from "./forwarded";
import { splitHost } from "./public-base";
import type { TrustedProxies } from "./trusted-proxies";

const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

/** `Example.COM.` → `example.com`; `[::1]` stays bracketed (the URL API's form); undefined when not a host name. */
function normalHostname(hostname: string): string | undefined {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  if (h.startsWith("[") && h.endsWith("]")) return isIP(h.slice(1, -1)) === 6 ? h : undefined;
  if (isIP(h) === 6) return `[${h}]`;
  return DNS_NAME.test(h) && h.length <= 253 ? h : undefined;
}

/** One ALLOWED_HOSTS entry, normalised, or a message saying what is wrong with it. */
export function parseAllowedHost(raw: string): { entry: string } | { problem: string } {
  const e = raw.trim();
  if (e === "*") return { entry: "*" };
  if (e.includes("://") || e.includes("/"))
    return { problem: `"${e}" is a URL; list host names only (e.g. ${hostOf(e) ?? "mcp.example.com"})` };
  const suffix = e.startsWith(".");
  const name = normalHostname(suffix ? e.slice(1) : e);
  if (!name || (suffix && name.startsWith("[")))
    return {
      problem: `"${e}" is not a host name, a ".domain" or "*"${/:\d+$/.test(e) ? " (leave the port out)" : ""}`,
    };
  return { entry: suffix ? `.${name}` : name };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

export const isLoopbackName = (hostname: string) =>
  hostname === "localhost" ||
  hostname.endsWith(".localhost") ||
  hostname === "[::1]" ||
  (isIP(hostname) === 4 && hostname.startsWith("127."));

export type HostRules = { exact: ReadonlySet<string>; suffixes: readonly string[]; any: boolean };

/** The allowed names: PUBLIC_URL's host, the servers' publicUrls hosts and the ALLOWED_HOSTS entries. */
export function buildHostRules(opts: {
  allowedHosts: readonly string[];
  publicUrl?: string;
  serverPublicUrls: Iterable<string>;
}): HostRules {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let any = false;
  for (const raw of opts.allowedHosts) {
    const p = parseAllowedHost(raw);
    if ("problem" in p) continue; // refused when the environment was parsed
    if (p.entry === "*") any = true;
    else if (p.entry.startsWith(".")) suffixes.push(p.entry);
    else exact.add(p.entry);
  }
  for (const u of [...(opts.publicUrl ? [opts.publicUrl] : []), ...opts.serverPublicUrls]) {
    const h = hostOf(u);
    if (h) exact.add(h.toLowerCase());
  }
  return { exact, suffixes, any };
}

/** Is this Host value (`name[:port]`) one of the gateway's names? */
export function hostAllowed(rules: HostRules, host: string): boolean {
  if (rules.any) return true;
  const name = normalHostname(splitHost(host.trim()).hostname);
  if (!name) return false;
  if (rules.exact.has(name) || isLoopbackName(name)) return true;
  return rules.suffixes.some((s) => name === s.slice(1) || name.endsWith(s));
}

export type HostGuard = {
  /** The refused host of this request, or undefined when the request may be served. */
  refusedHost(req: Pick<IncomingMessage, "headers" | "socket">): string | undefined;
};

/**
 * The per-request check, cheap on the hot path: the rules are rebuilt only when the config
 * snapshot changes, and verdicts are memoised per Host value (bounded, so hostile Host headers
 * only churn the memo).
 */
export function createHostGuard(deps: {
  allowedHosts: readonly string[];
  publicUrl?: string;
  trustedProxies: TrustedProxies;
  /** The current config snapshot (identity changes on reload): its servers' public URLs, its providers' facade URLs. */
  snapshot: () => {
    servers: ReadonlyMap<string, { publicUrls: readonly string[] }>;
    providers?: ReadonlyMap<string, { facadeUrl?: string }>;
  };
}): HostGuard {
  let seen: unknown;
  let rules: HostRules | undefined;
  const memo = new Map<string, boolean>();
  const current = () => {
    const snap = deps.snapshot();
    if (snap !== seen || !rules) {
      seen = snap;
      rules = buildHostRules({
        allowedHosts: deps.allowedHosts,
        publicUrl: deps.publicUrl,
        serverPublicUrls: [
          ...[...snap.servers.values()].flatMap((s) => s.publicUrls),
          ...[...(snap.providers?.values() ?? [])].flatMap((p) => (p.facadeUrl ? [p.facadeUrl] : [])),
        ],
      });
      memo.clear();
    }
    return rules;
  };
  return {
    refusedHost(req) {
      const r = current();
      if (r.any) return undefined;
      const headers = req.headers;
      let host = headers.host;
      if (!deps.trustedProxies.empty && deps.trustedProxies.matches(req.socket.remoteAddress)) {
        host = readForwarding(headers).host ?? host;
      }
      // No Host at all (HTTP/1.0): URLs are then built from the local address, which no client chooses.
      if (host === undefined) return undefined;
      let ok = memo.get(host);
      if (ok === undefined) {
        ok = hostAllowed(r, host);
        if (memo.size >= 1024) memo.clear();
        memo.set(host, ok);
      }
      return ok ? undefined : host;
    },
  };
}

/** A startup warning when the gateway listens beyond loopback but knows none of its public names. */
export function listenHostWarning(env: {
  HOST: string;
  PUBLIC_URL?: string;
  ALLOWED_HOSTS: readonly string[];
}): string | undefined {
  if (env.PUBLIC_URL || env.ALLOWED_HOSTS.length) return undefined;
  const h = env.HOST.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1" || (isIP(h) === 4 && h.startsWith("127."))) return undefined;
  return (
    `HOST=${env.HOST} accepts connections from other machines, but neither PUBLIC_URL nor ALLOWED_HOSTS is set: ` +
    "only requests for loopback names and the servers' publicUrls hosts are answered, any other host gets 421. " +
    "Set PUBLIC_URL to the gateway's external URL (e.g. PUBLIC_URL=https://mcp.example.com), " +
    "or list the names clients use in ALLOWED_HOSTS (comma-separated)."
  );
}
