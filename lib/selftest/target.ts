/**
 * Where the self-test of a server starts: the public base a client would use
 * (its first public URL, else PUBLIC_URL, else the console's own address), the
 * MCP URL there, and this process's loopback listener; and what it checks
 * beyond discovery: the upstream (with the credential the gateway sends it),
 * and a given token with the gateway's own pipeline, or without one what the
 * provider's tokens carry in `aud`.
 */
import type { Runtime } from "../runtime/types";
import { resourceUrl } from "../urls/resource-urls";
import { AppError } from "../errors";
import { audienceAdvice } from "../providers/audience-advice";
import { profileFor } from "../providers/profiles";
import type { SelftestOptions } from "./types";

export function selftestTarget(
  rt: Runtime,
  name: string,
  consoleOrigin: string,
  requestedBase?: string,
  token?: string,
): SelftestOptions & { bases: string[] } {
  const server = rt.config.current().servers.get(name);
  if (!server) throw new AppError("not_found", `server "${name}" does not exist`);
  const bases = server.publicUrls.length ? server.publicUrls : [rt.env.PUBLIC_URL ?? consoleOrigin];
  const publicBase = requestedBase && bases.includes(requestedBase) ? requestedBase : bases[0];
  const host = rt.env.HOST === "0.0.0.0" ? "127.0.0.1" : rt.env.HOST === "::" ? "::1" : rt.env.HOST;
  const loopback = `http://${host.includes(":") ? `[${host}]` : host}:${rt.env.PORT}`;
  const credential = server.upstreamAuth?.value
    ? { [server.upstreamAuth.header]: server.upstreamAuth.value }
    : undefined;
  const provider = server.oauth ? rt.config.current().providers.get(server.oauth.provider) : undefined;
  return {
    server: name,
    publicBase,
    loopback,
    mcpUrl: resourceUrl(new URL(publicBase), server.effectivePath),
    bases,
    upstream: { url: server.upstream, headers: credential },
    token,
    verifyToken: (t) => rt.tokens.verifyForServer(name, t, { requestBase: new URL(publicBase) }),
    audience:
      provider && server.oauth ? audienceAdvice(profileFor(provider), provider.clientId, server.oauth) : undefined,
    selfConnections: rt.requestLog.selfConnections,
  };
}
