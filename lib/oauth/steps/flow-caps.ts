/**
 * Bounds on flows in flight, so that stored state cannot grow without limit: per client (consent
 * pages and IdP round trips together), and per provider for consent pages and IdP round trips
 * separately. Consent pages are cheap to open and expire sooner; counting them apart means a
 * flood of unanswered consent pages cannot stop users who already consented from signing in.
 */
import type { FacadeContext, FacadeDeps } from "../context";
import { TemporarilyUnavailable } from "../errors";
import type { PendingKind } from "../store";

const RETRY_AFTER_SECONDS = 30;

export async function ensureRoomForFlow(kind: PendingKind, clientId: string, ctx: FacadeContext, deps: FacadeDeps) {
  const now = new Date(deps.now());
  if ((await deps.store.countActivePendingForClient(clientId, now)) >= deps.limits.maxFlowsPerClient) {
    throw new TemporarilyUnavailable(
      "this application has too many sign-ins in progress; try again shortly",
      RETRY_AFTER_SECONDS,
    ).because("client_flows_full");
  }
  const max = kind === "consent" ? deps.limits.maxConsentTicketsPerProvider : deps.limits.maxIdpFlowsPerProvider;
  if ((await deps.store.countActivePending(ctx.provider.name, kind, now)) >= max) {
    throw new TemporarilyUnavailable(
      "too many authorizations in flight; try again shortly",
      RETRY_AFTER_SECONDS,
    ).because(kind === "consent" ? "consent_tickets_full" : "idp_flows_full");
  }
}
