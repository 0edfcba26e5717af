/**
 * The compiled server table: built once per config snapshot (and rebuilt when
 * the config cache reloads), so a request costs one Map lookup and never a
 * database query. Pure: no I/O, unit-tested without a runtime.
 */
import type { ConfigSnapshot, RuntimeProvider, RuntimeServer } from "../config/model";
import { ownedHosts } from "../config/schema";
import { PRM_WELL_KNOWN } from "../urls/resource-urls";
import type { VerifyTarget } from "../tokens";
import type { AuthMode } from "./headers";
import { compileOriginPolicy, type OriginPolicy } from "./origin";
import { compileGate, type CompiledGate } from "../mcp/gate";

/** What http-proxy needs to reach an upstream (parsed once). */
export type UpstreamTarget = { protocol: "http:" | "https:"; host: string; hostname: string; port: string };

export type CompiledRoute = {
  name: string;
  path: string;
  server: RuntimeServer;
  /** The OAuth provider (auth: oauth only). Undefined when the config names a missing provider: fail closed. */
  provider?: RuntimeProvider;
  mode: AuthMode;
  enforcement: "strict" | "optional" | "permissive";
  upstream: {
    target: UpstreamTarget;
    /** Path + query of the upstream MCP endpoint. */
    path: string;
    /** The upstream's own RFC 9728 document (passthrough): path on the upstream origin. */
    metadataPath: string;
  };
  publicUrls: readonly URL[];
  origins: OriginPolicy;
  /**
   * Verification targets per public base, filled lazily by the token service.
   * Keyed by URL object identity: lib/urls hands out stable objects per base.
   */
  targets: Map<URL, VerifyTarget>;
  /** Rules, rate limits and audit (undefined: none, requests take the plain path). */
  gate?: CompiledGate;
};

export type RouteTable = {
  version: number;
  /** PUBLIC_URL, parsed once. */
  publicUrl?: URL;
  byPath: ReadonlyMap<string, CompiledRoute>;
  /** Metadata document paths: `/.well-known/oauth-protected-resource<path>` and prefixed forms. */
  byMetadataPath: ReadonlyMap<string, CompiledRoute>;
  /**
   * Host-routed servers (routing: host), by MCP path and by metadata path: the request's host picks
   * one (host-routing.ts). Empty unless such servers exist, so path routing pays nothing for them.
   */
  byHostedPath: ReadonlyMap<string, readonly CompiledRoute[]>;
  byHostedMetadataPath: ReadonlyMap<string, readonly CompiledRoute[]>;
  /** Config problems found while compiling (logged once per version). */
  problems: string[];
};

export function compileUpstream(raw: string): CompiledRoute["upstream"] {
  const u = new URL(raw);
  const hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  const path = (u.pathname || "/") + u.search;
  return {
    target: { protocol: u.protocol as "http:" | "https:", host: u.host, hostname, port },
    path,
    metadataPath: `${PRM_WELL_KNOWN}${u.pathname === "/" ? "" : u.pathname.replace(/\/+$/, "")}`,
  };
}

const prefixOf = (u: URL) => u.pathname.replace(/\/+$/, "");

export function compileRoutes(snapshot: ConfigSnapshot, env: { PUBLIC_URL?: string }): RouteTable {
  const byPath = new Map<string, CompiledRoute>();
  const byMetadataPath = new Map<string, CompiledRoute>();
  const byHostedPath = new Map<string, CompiledRoute[]>();
  const byHostedMetadataPath = new Map<string, CompiledRoute[]>();
  const hostOwners = new Map<string, string>(); // `${host} ${path}` → server name
  const problems: string[] = [];
  const publicUrl = env.PUBLIC_URL ? new URL(env.PUBLIC_URL) : undefined;

  for (const server of snapshot.servers.values()) {
    const path = server.effectivePath;
    const hosts = ownedHosts(server);
    if (!hosts && byPath.has(path)) {
      problems.push(
        `servers ${byPath.get(path)!.name} and ${server.name} share path ${path}; ${server.name} is ignored`,
      );
      continue;
    }
    const taken = hosts?.find((h) => hostOwners.has(`${h} ${path}`));
    if (taken) {
      problems.push(
        `servers ${hostOwners.get(`${taken} ${path}`)} and ${server.name} share path ${path} on host ${taken}; ${server.name} is ignored`,
      );
      continue;
    }
    const provider =
      server.auth === "oauth" && server.oauth ? snapshot.providers.get(server.oauth.provider) : undefined;
    if (server.auth === "oauth" && !provider)
      problems.push(
        `server ${server.name}: provider ${server.oauth?.provider ?? "(none)"} is not configured; every request is rejected`,
      );
    let upstream: CompiledRoute["upstream"];
    try {
      upstream = compileUpstream(server.upstream);
    } catch {
      problems.push(`server ${server.name}: invalid upstream URL; ignored`);
      continue;
    }
    const publicUrls = server.publicUrls.map((u) => new URL(u));
    const route: CompiledRoute = {
      name: server.name,
      path,
      server,
      provider,
      mode: server.auth,
      enforcement: server.oauth?.enforcement ?? "strict",
      upstream,
      publicUrls,
      origins: compileOriginPolicy({
        publicUrls: server.publicUrls,
        publicUrl: env.PUBLIC_URL,
        allowedOrigins: server.allowedOrigins,
      }),
      targets: new Map(),
      gate: compileGate(server),
    };
    const push = (map: Map<string, CompiledRoute[]>, key: string) => map.set(key, [...(map.get(key) ?? []), route]);
    const addPath = (key: string) => (hosts ? push(byHostedPath, key) : byPath.set(key, route));
    const addMetadata = (key: string) => (hosts ? push(byHostedMetadataPath, key) : byMetadataPath.set(key, route));
    if (hosts) for (const h of hosts) hostOwners.set(`${h} ${path}`, server.name);
    addPath(path);
    // `auth: none` has no authorization to describe: no metadata document.
    if (server.auth === "none") continue;
    addMetadata(`${PRM_WELL_KNOWN}${path}`);
    // RFC 9728 §3.1 form for bases with a path prefix: the prefix follows the well-known segment.
    for (const base of [...publicUrls, ...(publicUrl ? [publicUrl] : [])]) {
      const prefix = prefixOf(base);
      if (prefix) addMetadata(`${PRM_WELL_KNOWN}${prefix}${path}`);
    }
  }
  return { version: snapshot.version, publicUrl, byPath, byMetadataPath, byHostedPath, byHostedMetadataPath, problems };
}

/**
 * Finds the route of a metadata request. Exact paths first; then, for a base
 * prefix known only per request (trusted X-Forwarded-Prefix), the RFC form
 * `WK + prefix + path` with that prefix removed.
 */
export function metadataRoute(table: RouteTable, pathname: string, basePrefix: string): CompiledRoute | undefined {
  const hit = table.byMetadataPath.get(pathname);
  if (hit) return hit;
  const prefix = basePrefix.replace(/\/+$/, "");
  if (prefix && pathname.startsWith(PRM_WELL_KNOWN + prefix + "/")) {
    const r = table.byMetadataPath.get(PRM_WELL_KNOWN + pathname.slice(PRM_WELL_KNOWN.length + prefix.length));
    if (r) return r;
  }
  return undefined;
}
