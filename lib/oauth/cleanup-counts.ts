/**
 * What deleting a provider did to its clients' IdP clients at the IdP, in counts, and the phrase the
 * CLI and the console show for them. No server imports: the console's client components use it too.
 */

/**
 * none: the client used the provider's pre-registered IdP client; unmanaged: the IdP gave no
 * registration access token, so the IdP client stays there; kept: the admin asked to keep it.
 */
export type IdpCleanupStatus = "none" | "deleted" | "already_gone" | "kept" | "unmanaged";

export type ProviderClientsCleanup = Record<IdpCleanupStatus, number>;

const PHRASES: ReadonlyArray<readonly [IdpCleanupStatus, string]> = [
  ["deleted", "deleted at the IdP"],
  ["already_gone", "already gone from the IdP"],
  ["unmanaged", "left at the IdP (no registration access token)"],
  ["kept", "kept at the IdP"],
  ["none", "on the provider's own client"],
];

/** "2 deleted at the IdP, 1 left at the IdP (no registration access token)", or "no clients". */
export function describeCleanup(c: ProviderClientsCleanup): string {
  const parts = PHRASES.filter(([k]) => c[k] > 0).map(([k, phrase]) => `${c[k]} ${phrase}`);
  return parts.length ? parts.join(", ") : "no clients";
}
