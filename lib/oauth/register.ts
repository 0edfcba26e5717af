/**
 * POST /oauth/<p>/register (RFC 7591): rate-limited per client address, JSON body capped,
 * metadata validated (registration.ts), stored; answers 201. Without a
 * pre-registered IdP client the gateway registers one at the IdP too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http/respond";
import { requestRateLimitKey } from "../urls/client-address";
import type { FacadeContext, FacadeDeps } from "./context";
import { redirectAllowlist } from "./context";
import { InvalidClientMetadata, InvalidRequest, SlowDown, TemporarilyUnavailable } from "./errors";
import { sendOAuthJson } from "./http";
import { buildRegistration } from "./client-metadata";
import { providerMetadata, registerIdpClient, usesIdpDcr } from "./idp-client";

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
  if ((await deps.store.countClients(ctx.provider.name)) >= deps.limits.maxClientsPerProvider) {
    throw new TemporarilyUnavailable("the gateway holds too many registered clients for this provider");
  }

  const meta = await providerMetadata(ctx.provider, deps);
  if (usesIdpDcr(ctx.provider, meta)) {
    // The callback is a configured URL whenever there is one (context.ts), and the request's host
    // passed the allowed-hosts check: a registration cannot point the IdP at another host.
    const callback = ctx.endpoint("callback");
    const up = await registerIdpClient(ctx.provider, meta, { callback, clientName: reg.record.clientName }, deps);
    reg.record.idpClientId = up.clientId;
    reg.record.idpRedirectUri = callback;
    if (up.clientSecret) reg.record.idpClientSecretEnc = await deps.secrets.encrypt(up.clientSecret);
    if (up.registration)
      reg.record.idpRegistration = {
        uri: up.registration.uri,
        tokenEnc: await deps.secrets.encrypt(up.registration.token),
      };
    if (up.authMethod) reg.record.metadata = { ...reg.record.metadata, idp_token_endpoint_auth_method: up.authMethod };
  }
  await deps.store.createClient(reg.record);
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
