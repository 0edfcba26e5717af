/**
 * A provider's health for the providers list and the check after a save: a
 * short discovery (its documents and JWKS, 2.5 s per fetch). Healthy means no
 * error in the report; the first problem says what is wrong. Also whether the
 * IdP offers dynamic registration, which decides what a provider without a
 * client id can do.
 */
import type { RuntimeProvider } from "../config/model";
import { discoverProvider, type ProviderDeps } from "../providers";
import type { Problem } from "../providers/discover/report";

export type ProviderHealth = {
  healthy: boolean;
  /** One line: the first error (reaching the IdP first), else the first warning, else that all is well. */
  detail: string;
  /** Dynamic registration offered and not turned off; null when discovery could not tell. */
  dynamicRegistration: boolean | null;
  problems: Problem[];
  checkedAt: string;
};

export async function providerHealth(provider: RuntimeProvider, deps: ProviderDeps = {}): Promise<ProviderHealth> {
  const r = await discoverProvider(provider, { timeoutMs: 2500, ...deps });
  // Whether the IdP answers at all says most: a mistyped or unreachable issuer shows first.
  const reach = (p: Problem) => (["documents", "metadata", "jwks"].includes(p.item) ? 0 : 1);
  const errors = r.problems.filter((p) => p.severity === "error").sort((a, b) => reach(a) - reach(b));
  const first = errors[0] ?? r.problems[0];
  const offered = r.capabilities.dynamicRegistration;
  return {
    healthy: r.ok,
    detail: first
      ? `${first.severity === "error" ? "" : "warning: "}${first.message}`
      : `discovery and JWKS ok (${r.jwks?.keyIds.length ?? 0} key${r.jwks?.keyIds.length === 1 ? "" : "s"})`,
    dynamicRegistration: r.profile.dynamicRegistration === false ? false : offered,
    problems: r.problems,
    checkedAt: new Date().toISOString(),
  };
}
