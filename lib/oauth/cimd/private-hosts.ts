/**
 * PORTCULLIS_CIMD_PRIVATE_HOSTS: the hosts (`host` or `host:port`) whose
 * metadata documents may be fetched from private or loopback addresses, for
 * private deployments and tests. Nothing else relaxes the policy for
 * client-supplied URLs; link-local and cloud-metadata addresses stay blocked.
 */
export type PrivateHosts = ReadonlySet<string>;

/** Parses the comma-separated list; entries are lower-cased `host` or `host:port`. */
export function parsePrivateHosts(raw: string | undefined): PrivateHosts {
  return new Set(
    (raw ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Does the list name this URL's host (any port) or its host:port? */
export function isPrivateHostAllowed(url: URL, hosts: PrivateHosts): boolean {
  if (hosts.size === 0) return false;
  const hostname = url.hostname.toLowerCase();
  const port = url.port || "443";
  return hosts.has(hostname) || hosts.has(`${hostname}:${port}`);
}
