/**
 * The outbound address policy (docs/security.md), as pure decisions on one
 * address: no DNS and no Node built-ins, so config validation shares it with
 * the console's browser bundle.
 * - link-local and cloud-metadata addresses are always blocked, as are
 *   multicast/reserved ones;
 * - loopback/private/unspecified addresses are allowed for URLs an admin
 *   configured, unless PORTCULLIS_BLOCK_PRIVATE_NETWORK=true;
 * - URLs supplied by clients (registration metadata, client-ID documents)
 *   may only reach public addresses.
 */
import { classifyAddress, ipLiteralOf, isMetadataHostname, type AddressKind } from "./ip-ranges";

/** Who chose the URL: decides whether private networks are reachable. */
export type FetchOrigin = "admin" | "client";

export type AddressPolicy = { origin: FetchOrigin; blockPrivateNetwork: boolean };

export type AddressDecision =
  { allowed: true; kind: AddressKind } | { allowed: false; kind: AddressKind; reason: string };

const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set(["loopback", "private", "unspecified"]);

export function checkAddress(address: string, policy: AddressPolicy): AddressDecision {
  const kind = classifyAddress(address);
  switch (kind) {
    case "public":
      return { allowed: true, kind };
    case "metadata":
      return { allowed: false, kind, reason: "is a cloud metadata address (always blocked)" };
    case "link_local":
      return { allowed: false, kind, reason: "is a link-local address (always blocked)" };
    case "reserved":
    case "invalid":
      return { allowed: false, kind, reason: "is not a routable unicast address" };
  }
  if (PRIVATE_KINDS.has(kind)) {
    if (policy.origin === "client") {
      return { allowed: false, kind, reason: `is a ${kind} address, which client-supplied URLs may not reach` };
    }
    if (policy.blockPrivateNetwork) {
      return { allowed: false, kind, reason: `is a ${kind} address and PORTCULLIS_BLOCK_PRIVATE_NETWORK is on` };
    }
    return { allowed: true, kind };
  }
  return { allowed: false, kind, reason: "is not allowed" };
}

/**
 * Why an admin-configured URL can never be reached, judged from its host alone (a metadata
 * host name or an IP literal outside the policy); undefined when only DNS can tell. The
 * private-network switch is a property of each deployment, so it is left to connect time.
 */
export function refusedLiteralHost(url: URL): string | undefined {
  const host = url.hostname;
  if (isMetadataHostname(host)) return `${host} is a cloud metadata endpoint (always blocked)`;
  const ip = ipLiteralOf(host);
  if (ip === undefined) return undefined;
  const d = checkAddress(ip, { origin: "admin", blockPrivateNetwork: false });
  return d.allowed ? undefined : `${ip} ${d.reason}`;
}
