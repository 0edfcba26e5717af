/**
 * The outbound-fetch address policy (docs/security.md, "Outbound fetches"):
 * - link-local and cloud-metadata addresses are always blocked, as are
 *   multicast/reserved ones;
 * - loopback/private/unspecified addresses are allowed for URLs an admin
 *   configured, unless PORTCULLIS_BLOCK_PRIVATE_NETWORK=true;
 * - URLs supplied by clients (registration metadata, client-ID documents)
 *   may only reach public addresses.
 * Every resolved address is checked: one bad address fails the whole host,
 * because the connection could land on any of them.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { FetchError } from "./errors";
import { classifyAddress, isMetadataHostname, type AddressKind } from "./ip-ranges";

/** Who chose the URL: decides whether private networks are reachable. */
export type FetchOrigin = "admin" | "client";

export type AddressPolicy = { origin: FetchOrigin; blockPrivateNetwork: boolean };

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves every address of a host name (injectable for tests). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const blockPrivateNetworkFromEnv = (env: NodeJS.ProcessEnv = process.env): boolean =>
  /^(true|1|yes)$/i.test(env.PORTCULLIS_BLOCK_PRIVATE_NETWORK ?? "");

const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set(["loopback", "private", "unspecified"]);

export type AddressDecision =
  { allowed: true; kind: AddressKind } | { allowed: false; kind: AddressKind; reason: string };

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

export const systemResolver: Resolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves `url`'s host and checks every address. Returns the checked
 * addresses so the caller can pin the connection to them (no second lookup,
 * so DNS rebinding between check and connect is impossible).
 */
export async function resolveAllowed(url: URL, policy: AddressPolicy, resolver: Resolver): Promise<ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isMetadataHostname(host)) {
    throw new FetchError("fetch_blocked_address", url, `host ${host} is a cloud metadata endpoint (always blocked)`);
  }
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family) {
    addresses = [{ address: host, family: family === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolver(host);
    } catch (cause) {
      throw new FetchError("fetch_dns", url, `cannot resolve host ${host}`, { cause });
    }
    if (addresses.length === 0) throw new FetchError("fetch_dns", url, `host ${host} has no addresses`);
  }
  for (const { address } of addresses) {
    const d = checkAddress(address, policy);
    if (!d.allowed) {
      throw new FetchError(
        "fetch_blocked_address",
        url,
        `refusing to connect: ${host} resolves to ${address}, which ${d.reason}`,
        {
          address,
        },
      );
    }
  }
  return addresses;
}
