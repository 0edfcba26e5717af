// One facade setup per IdP shape for the third-party client tests: the IdP's options, the
// provider entry (the gateway's pre-registered client, or none where the IdP has DCR) and the
// server's audience settings that make the shape's tokens acceptable; startShapeFacade starts both.
import { startGateway, startIdp, type Gateway, type Idp, type IdpShape } from "./support";
import type { StartIdpOptions } from "./support/idp";
import { facadeConfig, type ProviderYaml } from "./oauth-helpers";

export type ShapeSetup = {
  shape: IdpShape;
  idp: StartIdpOptions;
  provider: (idp: Idp) => ProviderYaml;
  server: { audiences?: string[]; includeClientIdInAudience?: boolean };
};

const preRegistered = (name: string, kind: string) => (idp: Idp) => ({
  name,
  kind,
  issuer: idp.issuer,
  clientId: idp.clients.gateway.clientId,
  clientSecret: idp.clients.gateway.clientSecret,
});

export const SHAPES: Record<IdpShape, ShapeSetup> = {
  // No pre-registered client: the gateway registers its own at the IdP (DCR) for each facade client.
  standard: {
    shape: "standard",
    idp: { shape: "standard" },
    provider: (idp) => ({ name: "std", kind: "generic", issuer: idp.issuer }),
    server: {},
  },
  keycloak: {
    shape: "keycloak",
    idp: { shape: "keycloak", audience: "mcp-gateway-api" },
    provider: preRegistered("kc", "keycloak"),
    server: { audiences: ["mcp-gateway-api"] },
  },
  authentik: {
    shape: "authentik",
    idp: { shape: "authentik" },
    provider: preRegistered("ak", "authentik"),
    server: { includeClientIdInAudience: true },
  },
  auth0: {
    shape: "auth0",
    idp: { shape: "auth0", tokenEndpointAuthMethod: "client_secret_post" },
    provider: preRegistered("a0", "auth0"),
    server: {},
  },
  entra: {
    shape: "entra",
    idp: { shape: "entra" },
    provider: preRegistered("entra", "entra"),
    server: { includeClientIdInAudience: true },
  },
  okta: {
    shape: "okta",
    idp: { shape: "okta" },
    provider: preRegistered("okta", "okta"),
    server: { audiences: ["api://default"] },
  },
};

/**
 * An IdP of this shape and a gateway whose facade serves it for one proxy-mode server `tools` in
 * front of `upstream`; the IdP knows the facade's callback. `idp` adds IdP options.
 */
export async function startShapeFacade(
  setup: ShapeSetup,
  upstream: string,
  opts: { idp?: Partial<StartIdpOptions>; env?: Record<string, string> } = {},
): Promise<{ idp: Idp; gw: Gateway; provider: string }> {
  const idp = await startIdp({ ...setup.idp, ...opts.idp });
  const p = setup.provider(idp);
  const gw = await startGateway({ config: facadeConfig(p, { upstream, ...setup.server }), env: opts.env });
  await idp.setRedirectUris([`${gw.url}/oauth/${p.name}/callback`]);
  return { idp, gw, provider: p.name };
}
