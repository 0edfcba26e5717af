/**
 * The operator's per-provider policy for client ID metadata documents: on or
 * off, and optionally the client domains allowed (a domain allows itself and
 * its subdomains: `vscode.dev` allows `insiders.vscode.dev`).
 */
import type { ProviderConfig } from "../../config/schema";
import { CimdError } from "./errors";

export type CimdPolicy = { enabled: boolean; allowedDomains: readonly string[] };

/** A provider without the setting accepts documents from any public host. */
export function cimdPolicyOf(provider: Pick<ProviderConfig, "clientIdMetadataDocuments">): CimdPolicy {
  const c = provider.clientIdMetadataDocuments;
  return { enabled: c?.enabled ?? true, allowedDomains: c?.allowedDomains ?? [] };
}

export function domainAllowed(hostname: string, allowedDomains: readonly string[]): boolean {
  if (allowedDomains.length === 0) return true;
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return allowedDomains.some((d) => h === d || h.endsWith(`.${d}`));
}

/** Throws unless the policy lets this provider use a document at `url`. */
export function checkCimdPolicy(url: URL, policy: CimdPolicy, providerName: string): void {
  if (!policy.enabled)
    throw new CimdError(
      "cimd_disabled",
      `provider "${providerName}" does not accept client ID metadata documents (clientIdMetadataDocuments.enabled is false); the client must register instead`,
    );
  if (!domainAllowed(url.hostname, policy.allowedDomains))
    throw new CimdError(
      "cimd_domain_not_allowed",
      `client ID metadata documents from ${url.hostname} are not accepted by provider "${providerName}" (allowed: ${policy.allowedDomains.join(", ")})`,
    );
}
