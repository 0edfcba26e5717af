/**
 * What a provider's tokens carry in `aud`, and whether a server is set up to
 * accept it: one sentence per IdP behaviour, in the console's words (field
 * labels, not YAML names). Shown by Discover, beside the server form's
 * audience fields, and by the self-test when no token was given.
 */
import type { EffectiveProfile } from "./profiles";

export type AudienceAdvice = {
  /** What the IdP puts in `aud`, and what to set for it. */
  hint: string;
  /**
   * Is the server set up for it? `true`: nothing to do; `false`: its tokens will be rejected as they are;
   * `undefined`: depends on the IdP's own settings (only a token can tell).
   */
  ready?: boolean;
};

type ServerAudiences = { audiences: readonly string[]; includeClientIdInAudience: boolean };

const EXTRA = '"Extra accepted audiences"';

export function audienceAdvice(
  profile: Pick<EffectiveProfile, "kind" | "label" | "resourceIndicators" | "audienceIsClientId" | "audienceParam">,
  clientId: string | undefined,
  server?: ServerAudiences,
): AudienceAdvice {
  const extra = server ? server.audiences.length > 0 : false;
  if (profile.resourceIndicators)
    return {
      hint: `${profile.label} puts the resource URL the client asked for (RFC 8707) in aud: this server's resource URL is accepted as it is.`,
      ready: true,
    };
  if (profile.audienceIsClientId) {
    const id = clientId ? ` ${clientId}` : "";
    return {
      hint: `${profile.label} puts its client id${id} in aud: turn on "Include client id in audience".`,
      ready: server
        ? server.includeClientIdInAudience || (clientId !== undefined && server.audiences.includes(clientId))
        : undefined,
    };
  }
  switch (profile.kind) {
    case "keycloak":
      return {
        hint: `Keycloak ignores the resource URL: aud holds what the realm's audience mappers add (usually a client id such as mcp-tools; "account" never names this server). Add that value under ${EXTRA}, or make the mapper's "Included Custom Audience" this server's resource URL.`,
        ready: extra || undefined,
      };
    case "auth0":
      return {
        hint: `Auth0 puts the API identifier in aud: the gateway asks for this server's resource URL as the audience, so make that the API's identifier, or add the identifier under ${EXTRA}.`,
        ready: extra || undefined,
      };
    case "okta":
      return {
        hint: `Okta puts its authorization server's audience in aud (api://default unless changed): add it under ${EXTRA}.`,
        ready: server ? extra : undefined,
      };
    default:
      return {
        hint: `This IdP ignores the resource URL: add the aud its tokens carry under ${EXTRA}.`,
        ready: server ? extra : undefined,
      };
  }
}
