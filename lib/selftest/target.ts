/**
 * Where the self-test of a server starts: the public base a client would use
 * (its first public URL, else PUBLIC_URL, else the console's own address), the
 * MCP URL there, and this process's loopback listener.
 */
import type { Runtime } from "../runtime/types";
import { resourceUrl } from "../urls/resource-urls";
import { AppError } from "../errors";

export function selftestTarget(rt: Runtime, name: string, consoleOrigin: string, requestedBase?: string) {
  const server = rt.config.current().servers.get(name);
  if (!server) throw new AppError("not_found", `server "${name}" does not exist`);
  const bases = server.publicUrls.length ? server.publicUrls : [rt.env.PUBLIC_URL ?? consoleOrigin];
  const publicBase = requestedBase && bases.includes(requestedBase) ? requestedBase : bases[0];
  const host = rt.env.HOST === "0.0.0.0" ? "127.0.0.1" : rt.env.HOST === "::" ? "::1" : rt.env.HOST;
  const loopback = `http://${host.includes(":") ? `[${host}]` : host}:${rt.env.PORT}`;
  return { server: name, publicBase, loopback, mcpUrl: resourceUrl(new URL(publicBase), server.effectivePath), bases };
}
