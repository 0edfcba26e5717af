/**
 * Resolving and checking a host against the outbound address policy
 * (address-policy.ts; docs/security.md). Every resolved address is checked:
 * one bad address fails the whole host, because the connection could land on
 * any of them.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { checkAddress, type AddressPolicy } from "./address-policy";
import { FetchError } from "./errors";
import { isMetadataHostname } from "./ip-ranges";

export { checkAddress, type AddressPolicy, type FetchOrigin } from "./address-policy";

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves every address of a host name (injectable for tests). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const blockPrivateNetworkFromEnv = (env: NodeJS.ProcessEnv = process.env): boolean =>
  /^(true|1|yes)$/i.test(env.PORTCULLIS_BLOCK_PRIVATE_NETWORK ?? "");

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

/**
 * A socket `lookup` (an http.Agent option) that resolves like the system, then refuses the
 * connection unless every address passes the policy: checked at connect time, so DNS cannot
 * steer a configured host name to a forbidden address. Node never calls `lookup` for an IP
 * literal: check those with checkLiteralHost first.
 */
export function policyLookup(policy: AddressPolicy, resolver: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;
    resolver(hostname).then(
      (addresses) => {
        for (const { address } of addresses) {
          const d = checkAddress(address, policy);
          if (!d.allowed) return cb(blocked(hostname, address, d.reason));
        }
        const wanted =
          options.family === 4 || options.family === 6
            ? addresses.filter((a) => a.family === options.family)
            : addresses;
        if (wanted.length === 0)
          return cb(Object.assign(new Error(`${hostname} has no usable address`), { code: "ENOTFOUND" }));
        if (options.all) cb(null, wanted);
        else cb(null, wanted[0].address, wanted[0].family);
      },
      (e: NodeJS.ErrnoException) => cb(e),
    );
  };
}

/** The refusal for a host that is an IP literal outside the policy; undefined for allowed literals and names. */
export function checkLiteralHost(hostname: string, policy: AddressPolicy): FetchError | undefined {
  if (!isIP(hostname)) return undefined;
  const d = checkAddress(hostname, policy);
  return d.allowed ? undefined : blocked(hostname, hostname, d.reason);
}

const blocked = (host: string, address: string, reason: string) =>
  new FetchError(
    "fetch_blocked_address",
    host,
    host === address
      ? `refusing to connect to ${address}, which ${reason}`
      : `refusing to connect: ${host} resolves to ${address}, which ${reason}`,
    { address },
  );
