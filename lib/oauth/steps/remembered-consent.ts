/**
 * Remembered consent (per browser and client, docs/security.md): a later authorization skips the
 * consent page only when the user already allowed, on that page, every scope it asks for and every
 * server it names. Consent given for one server (a `resource`) never covers the provider's others.
 */
import type { RuntimeServer } from "../../config/model";
import { serverForResource, type FacadeContext, type FacadeDeps } from "../context";
import type { ConsentRecord, PendingRecord } from "../store";
import { scopeSet } from "./refresh-scope";

/** The servers a request asks for, as the consent page names them: the `resource`'s one, else all of them. */
export function requestedServers(
  a: Pick<PendingRecord, "resource">,
  ctx: FacadeContext,
  deps: Pick<FacadeDeps, "publicUrl">,
): RuntimeServer[] {
  if (!a.resource) return ctx.servers;
  const one = serverForResource(ctx, a.resource, deps.publicUrl);
  return one ? [one] : [];
}

/** Does a remembered consent cover this request: same provider, every scope and every server it asks for? */
export function consentCovers(
  consent: ConsentRecord,
  a: Pick<PendingRecord, "scope" | "resource">,
  ctx: FacadeContext,
  deps: Pick<FacadeDeps, "publicUrl">,
): boolean {
  const granted = scopeSet(consent.scope);
  const servers = requestedServers(a, ctx, deps);
  return (
    consent.providerName === ctx.provider.name &&
    [...scopeSet(a.scope)].every((s) => granted.has(s)) &&
    servers.length > 0 &&
    servers.every((s) => consent.servers.includes(s.name))
  );
}
