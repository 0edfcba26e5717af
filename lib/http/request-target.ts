/**
 * A request target in absolute form (`GET http://host/path HTTP/1.1`, what clients send to a forward
 * proxy) names the request's host itself, and RFC 9112 §3.2.2 has the server use it instead of Host.
 * The gateway turns such a request into an ordinary one (Host from the target, the target in origin
 * form) before anything reads it, so the allowed-hosts check, the URLs the gateway builds and Next.js
 * all see the same host: Next would otherwise answer with a redirect to the target's host.
 */
import type { IncomingMessage } from "node:http";

export function toOriginForm(req: Pick<IncomingMessage, "url" | "headers">): void {
  const target = req.url;
  if (!target || target.startsWith("/") || target === "*") return;
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return; // not a URL: routed as a path, like any other unknown target
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || !u.host) return;
  req.headers.host = u.host;
  req.url = u.pathname + u.search;
}
