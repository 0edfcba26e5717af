/**
 * Parameter rewrites between what an MCP client sends (RFC 8707 `resource`,
 * resource scopes) and what the IdP understands, driven by the effective
 * profile. Pure functions on URLSearchParams: unit-tested without a network.
 */
import { OIDC_SCOPES, type EffectiveProfile } from "./profiles";

export type Rewrite = { param: string; action: "dropped" | "set" | "mapped"; detail: string };

/** A scope already written in the template's form for this IdP client (e.g. `api://<app>/read:all`). */
function isTemplated(scope: string, template: string, idpClientId: string): boolean {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = template
    .split("{scope}")
    .map((part) => part.split("{clientId}").map(escape).join(escape(idpClientId)))
    .join("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  return new RegExp(`^${pattern}$`).test(scope);
}

/**
 * Maps the client's scope string to the IdP's, adding the provider's extra scopes. Idempotent: a
 * scope the IdP already knows by its mapped name (a scopeMap value, or the template's form, as an
 * IdP returns it in a token response and clients send it back on refresh) passes unchanged.
 */
export function mapScopes(
  scope: string | undefined,
  profile: EffectiveProfile,
  ctx: { idpClientId?: string; extraScopes?: readonly string[] },
): string | undefined {
  const out: string[] = [];
  const add = (s: string) => {
    if (s && !out.includes(s)) out.push(s);
  };
  const mappedNames = new Set(Object.values(profile.scopeMap));
  for (const s of (scope ?? "").split(" ").filter(Boolean)) {
    if (Object.prototype.hasOwnProperty.call(profile.scopeMap, s)) add(profile.scopeMap[s]);
    else if (mappedNames.has(s)) add(s);
    else if (profile.scopeTemplate && !OIDC_SCOPES.has(s) && ctx.idpClientId) {
      add(
        isTemplated(s, profile.scopeTemplate, ctx.idpClientId)
          ? s
          : profile.scopeTemplate.replace("{clientId}", ctx.idpClientId).replace("{scope}", s),
      );
    } else add(s);
  }
  for (const s of ctx.extraScopes ?? []) add(s);
  return out.length ? out.join(" ") : undefined;
}

/**
 * rewrites an IdP authorization request in place: resource → dropped /
 * kept / sent as the audience parameter; scopes mapped; fixed extra parameters
 * added last (they win). Returns what was changed, for logs and `discover`.
 */
export function rewriteAuthorizeParams(
  params: URLSearchParams,
  profile: EffectiveProfile,
  ctx: { idpClientId?: string; extraScopes?: readonly string[] },
): Rewrite[] {
  const done: Rewrite[] = [];
  const resource = params.get("resource") ?? undefined;
  if (profile.audienceParam && resource) {
    params.set(profile.audienceParam, resource);
    done.push({
      param: profile.audienceParam,
      action: "set",
      detail: `client resource sent as ${profile.audienceParam}`,
    });
  }
  if (resource && (profile.dropResource || profile.audienceParam)) {
    params.delete("resource");
    done.push({ param: "resource", action: "dropped", detail: "the IdP does not accept RFC 8707 resource" });
  }
  const scope = params.get("scope") ?? undefined;
  const mapped = mapScopes(scope, profile, ctx);
  if (mapped !== scope) {
    if (mapped) params.set("scope", mapped);
    else params.delete("scope");
    done.push({ param: "scope", action: "mapped", detail: `${scope ?? "(none)"} → ${mapped ?? "(none)"}` });
  }
  for (const [k, v] of Object.entries(profile.extraAuthorizeParams)) {
    params.set(k, v);
    done.push({ param: k, action: "set", detail: "extraAuthorizeParams" });
  }
  return done;
}

/** rewrites an IdP token request in place (authorization_code and refresh_token grants). */
export function rewriteTokenParams(
  params: URLSearchParams,
  profile: EffectiveProfile,
  ctx: { idpClientId?: string },
): Rewrite[] {
  const done: Rewrite[] = [];
  if (params.has("resource") && (profile.dropResource || profile.audienceParam)) {
    params.delete("resource");
    done.push({ param: "resource", action: "dropped", detail: "the IdP does not accept RFC 8707 resource" });
  }
  const scope = params.get("scope") ?? undefined;
  if (scope) {
    const mapped = mapScopes(scope, profile, ctx);
    if (mapped && mapped !== scope) {
      params.set("scope", mapped);
      done.push({ param: "scope", action: "mapped", detail: `${scope} → ${mapped}` });
    }
  }
  return done;
}

/** What `discover` reports as the rewrites this profile applies. */
export function describeRewrites(profile: EffectiveProfile): { id: string; description: string }[] {
  const out: { id: string; description: string }[] = [];
  if (profile.audienceParam)
    out.push({ id: "audience_param", description: `RFC 8707 resource is sent as \`${profile.audienceParam}\`` });
  if (profile.dropResource || profile.audienceParam)
    out.push({ id: "drop_resource", description: "`resource` is removed from IdP authorize and token requests" });
  else if (profile.resourceIndicators)
    out.push({ id: "keep_resource", description: "`resource` is forwarded to the IdP (RFC 8707)" });
  const maps = Object.entries(profile.scopeMap);
  if (maps.length)
    out.push({ id: "scope_map", description: `scopes mapped: ${maps.map(([a, b]) => `${a} → ${b}`).join(", ")}` });
  if (profile.scopeTemplate)
    out.push({ id: "scope_template", description: `other resource scopes become ${profile.scopeTemplate}` });
  const extra = Object.keys(profile.extraAuthorizeParams);
  if (extra.length)
    out.push({ id: "extra_authorize_params", description: `added to the authorize request: ${extra.join(", ")}` });
  if (profile.audienceIsClientId)
    out.push({ id: "aud_is_client_id", description: "tokens carry the client id in `aud`" });
  return out;
}
