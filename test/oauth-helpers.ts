// Helpers for the facade integration tests: an in-memory OAuthClientProvider for the official
// MCP SDK client, the "browser" that approves the gateway's consent page, and config builders.
import type { CookieJar, StartIdpOptions } from "./support/idp";
import { startGateway, startIdp, startMcpServer, type Gateway, type Idp } from "./support";

/** An MCP client's OAuth state, kept in memory; `redirectToAuthorization` only records the URL. */
/** Extracts the consent form (action + hidden fields) from the gateway's consent page. */
export function parseConsentForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  if (!form) return undefined;
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&#96;/g, "`")
      .replace(/&amp;/g, "&");
  const fields: Record<string, string> = {};
  for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]] = unescape(m[2]);
  return { action: unescape(form[1]), fields };
}

/** A completeLogin `onPage` hook that approves (or denies) the gateway's consent page. */
export function consentHook(decision: "approve" | "deny" = "approve", seen?: { pages: string[] }) {
  return async (page: { url: string; status: number; headers: Headers; body: string; jar: CookieJar }) => {
    const form = page.status === 200 ? parseConsentForm(page.body) : undefined;
    if (!form) return undefined;
    seen?.pages.push(page.body);
    const body = new URLSearchParams({ ...form.fields, decision });
    return {
      url: new URL(form.action, page.url).href,
      init: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(page.url).origin },
        body: body.toString(),
      },
    };
  };
}

/** Decodes a JWT's payload without verifying it (assertions only). */
export function jwtClaims(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

export type ProviderYaml = {
  name: string;
  kind: string;
  issuer: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  overrides?: Record<string, unknown>;
};

/** Declarative config for one provider and one proxy-mode server in front of `upstream`. */
export function facadeConfig(
  p: ProviderYaml,
  server: {
    upstream: string;
    audiences?: string[];
    includeClientIdInAudience?: boolean;
    allowedRedirectUris?: string[];
    name?: string;
  },
): string {
  return JSON.stringify({
    providers: [
      {
        name: p.name,
        kind: p.kind,
        issuer: p.issuer,
        ...(p.clientId ? { clientId: p.clientId } : {}),
        ...(p.clientSecret ? { clientSecret: p.clientSecret } : {}),
        scopes: p.scopes ?? ["openid"],
        ...(p.overrides ? { overrides: p.overrides } : {}),
      },
    ],
    servers: [
      {
        name: server.name ?? "tools",
        upstream: server.upstream,
        auth: "oauth",
        oauth: {
          provider: p.name,
          mode: "proxy",
          audiences: server.audiences ?? [],
          includeClientIdInAudience: server.includeClientIdInAudience ?? false,
          allowedRedirectUris: server.allowedRedirectUris ?? [],
        },
        resourceMetadata: { resourceName: "Test tools", scopesSupported: ["mcp:read"] },
      },
    ],
  });
}

/**
 * A standard-shaped IdP (options may reshape it), an MCP server, and a gateway whose facade `std` uses the IdP's
 * pre-registered gateway client for one proxy-mode server `tools`. `edit` may change the config first.
 */
export async function startStdFacade(
  idpOptions: Partial<StartIdpOptions> = {},
  gateway: {
    env?: Record<string, string>;
    edit?: (config: { providers: Record<string, unknown>[]; servers: Record<string, unknown>[] }) => void;
  } = {},
): Promise<{ idp: Idp; gw: Gateway }> {
  const upstream = await startMcpServer();
  const idp = await startIdp({ shape: "standard", ...idpOptions });
  const config = JSON.parse(
    facadeConfig(
      {
        name: "std",
        kind: "generic",
        issuer: idp.issuer,
        clientId: idp.clients.gateway.clientId,
        clientSecret: idp.clients.gateway.clientSecret,
      },
      { upstream: upstream.url },
    ),
  );
  gateway.edit?.(config);
  const gw = await startGateway({ env: gateway.env, config: JSON.stringify(config) });
  await idp.setRedirectUris([`${gw.url}/oauth/std/callback`]);
  return { idp, gw };
}
