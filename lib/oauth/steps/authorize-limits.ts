/**
 * Rate limits on /authorize (shared by the replicas, lib/admin/rate-limit.ts): per client
 * address first, before the client is even looked up, then per client id. A flood from one
 * address, or through one client, runs into its own limit and leaves everyone else's alone.
 */
import type { IncomingMessage } from "node:http";
import { requestRateLimitKey } from "../../urls/client-address";
import type { FacadeDeps } from "../context";
import { PageError, TemporarilyUnavailable } from "../errors";

const RETRY_AFTER_SECONDS = 30;

/** Over the address limit: a page (the redirect URI has not been checked yet). */
export async function limitAuthorizeByAddress(
  req: Pick<IncomingMessage, "socket" | "headers">,
  deps: FacadeDeps,
): Promise<void> {
  if (await deps.authorizeByAddress.take(requestRateLimitKey(req, deps.trustedProxies))) return;
  throw new PageError(
    "Too many requests",
    "Too many sign-in requests came from your network address. Wait a minute, then start again from the application.",
    429,
    "address_rate_limited",
    { "retry-after": String(RETRY_AFTER_SECONDS) },
  );
}

/** Over the client's limit: temporarily_unavailable, sent to the (validated) redirect URI. */
export async function limitAuthorizeByClient(clientId: string, deps: FacadeDeps): Promise<void> {
  if (await deps.authorizeByClient.take(clientId)) return;
  throw new TemporarilyUnavailable(
    "too many authorization requests for this application; try again shortly",
    RETRY_AFTER_SECONDS,
  ).because("client_rate_limited");
}
