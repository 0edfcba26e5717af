/**
 * POST /oauth/<p>/register (RFC 7591): rate-limited per client address, JSON body capped,
 * metadata validated (client-metadata.ts), stored; answers 201. Without a
 * pre-registered IdP client the gateway registers one at the IdP too. With the
 * provider's `deduplicate`, an identical public-client registration gets the live
 * client's id; the cap counts live clients only (client-lifecycle.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http/respond";
import { requestRateLimitKey } from "../urls/client-address";
import type { FacadeContext, FacadeDeps } from "./context";
import { redirectAllowlist } from "./context";
import { InvalidClientMetadata, InvalidRequest, SlowDown, TemporarilyUnavailable } from "./errors";
import { sendOAuthJson } from "./http";
import { buildRegistration } from "./client-metadata";
import { attachIdpClient } from "./steps/attach-idp-client";
import { expiryCutoffs, lifecyclePolicyOf, registrationKey } from "./client-lifecycle";
import type { OAuthClientRecord } from "./store";

/** The 201 answer for an existing public client (a de-duplicated registration): its registered metadata. */
function registrationAnswer(c: OAuthClientRecord): Record<string, unknown> {
  const metadata = Object.fromEntries(Object.entries(c.metadata).filter(([k]) => !k.startsWith("idp_")));
  return { client_id: c.clientId, client_id_issued_at: Math.floor(c.createdAt.getTime() / 1000), ...metadata };
}

export const MAX_REGISTRATION_BYTES = 16 * 1024;

export async function handleRegister(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<void> {
  if (!(await deps.registrations.take(requestRateLimitKey(req, deps.trustedProxies))))
    throw new SlowDown("too many registrations from this address; try again later");
  const type = String(req.headers["content-type"] ?? "")
    .split(";")[0]
    .trim()
    .toLowerCase();
  if (type !== "application/json") throw new InvalidRequest("the body must be application/json");
  const raw = await readBody(req, MAX_REGISTRATION_BYTES).catch(() => {
    throw new InvalidClientMetadata(`the registration request exceeds ${MAX_REGISTRATION_BYTES} bytes`);
  });
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new InvalidClientMetadata("the body is not valid JSON");
  }
  const reg = buildRegistration(body, {
    providerName: ctx.provider.name,
    allowlist: redirectAllowlist(ctx),
    now: new Date(deps.now()),
  });
  const policy = lifecyclePolicyOf(ctx.provider);
  const cutoffs = expiryCutoffs(policy, deps.now());
  const key = registrationKey(reg.record.metadata);
  if (policy.deduplicate && key) {
    const same = await deps.lifecycle.findLiveByRegistrationKey(ctx.provider.name, key, cutoffs);
    const existing = same ? await deps.store.getClient(same) : null;
    if (existing) {
      deps.logger.info(
        { provider: ctx.provider.name, clientId: existing.clientId, clientName: existing.clientName },
        "oauth client registration de-duplicated",
      );
      return sendOAuthJson(res, 201, registrationAnswer(existing));
    }
  }
  // Only live clients count: expired ones are on their way out (client-expiry.ts).
  if ((await deps.lifecycle.countLive(ctx.provider.name, cutoffs)) >= deps.limits.maxClientsPerProvider) {
    throw new TemporarilyUnavailable("the gateway holds too many registered clients for this provider");
  }

  await attachIdpClient(reg.record, ctx, deps);
  await deps.store.createClient(reg.record);
  if (key) await deps.lifecycle.setRegistrationKey(reg.record.clientId, key);
  deps.logger.info(
    {
      provider: ctx.provider.name,
      clientId: reg.record.clientId,
      clientName: reg.record.clientName,
      idpDcr: Boolean(reg.record.idpClientId),
      idpManaged: Boolean(reg.record.idpRegistration),
    },
    "oauth client registered",
  );
  sendOAuthJson(res, 201, reg.response);
}
