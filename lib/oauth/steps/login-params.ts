/**
 * Sign-in parameters a client sends for the IdP's login page: `prompt`, `login_hint`,
 * `ui_locales`, `max_age`. They are forwarded as they are (harmless hints, size-capped), and
 * kept with the consent ticket when the consent page comes first, so that `prompt=consent`
 * (which oidc-provider and others require before they grant `offline_access`) still reaches
 * the IdP after the page.
 */
const FORWARDED = ["prompt", "login_hint", "ui_locales", "max_age"] as const;
const MAX_LENGTH = 256;

export function loginParamsOf(q: ReadonlyMap<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const k of FORWARDED) {
    const v = q.get(k);
    if (v !== undefined && v.length <= MAX_LENGTH) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Sets the kept parameters on the IdP's authorization URL. */
export function applyLoginParams(p: URLSearchParams, params: Record<string, string> | undefined): void {
  for (const k of FORWARDED) {
    const v = params?.[k];
    if (v !== undefined) p.set(k, v);
  }
}
