/**
 * Fetches a client ID metadata document through the outbound policy for
 * client-supplied URLs (lib/net): public addresses only (unless the host is in
 * PORTCULLIS_CIMD_PRIVATE_HOSTS), no redirects at all, a short deadline and a
 * small size cap; only a 200 with a JSON body counts. Returns the parsed body
 * and how long it may be reused.
 */
import { fetchJson, isFetchError, type SafeFetchOptions } from "../../net";
import { cacheLifetimeMs } from "./cache-lifetime";
import { CimdError } from "./errors";
import { isPrivateHostAllowed, type PrivateHosts } from "./private-hosts";

/** The draft's recommended maximum: documents are a few hundred bytes. */
export const MAX_DOCUMENT_BYTES = 5 * 1024;
export const FETCH_TIMEOUT_MS = 5_000;

export type FetchedDocument = { body: unknown; lifetimeMs: number };

export type FetchDocumentOptions = {
  privateHosts: PrivateHosts;
  /** DNS resolver (tests). */
  resolver?: SafeFetchOptions["resolver"];
};

export async function fetchClientMetadataDocument(url: URL, opts: FetchDocumentOptions): Promise<FetchedDocument> {
  // An operator-listed host is reached like an admin-configured URL: private and loopback addresses allowed.
  const privateAllowed = isPrivateHostAllowed(url, opts.privateHosts);
  try {
    const { data, response } = await fetchJson(url, {
      origin: privateAllowed ? "admin" : "client",
      ...(privateAllowed ? { blockPrivateNetwork: false } : {}),
      timeoutMs: FETCH_TIMEOUT_MS,
      maxBytes: MAX_DOCUMENT_BYTES,
      maxRedirects: 0,
      resolver: opts.resolver,
    });
    if (response.status !== 200)
      throw new CimdError(
        "cimd_fetch_failed",
        `the client ID metadata document at ${url.href} answered HTTP ${response.status}, not 200`,
      );
    return { body: data, lifetimeMs: cacheLifetimeMs(response.headers) };
  } catch (e) {
    if (!isFetchError(e)) throw e;
    const hint =
      e.code === "fetch_blocked_address" && !privateAllowed
        ? " (a private deployment can allow this host with PORTCULLIS_CIMD_PRIVATE_HOSTS)"
        : "";
    throw new CimdError(
      "cimd_fetch_failed",
      `the client ID metadata document could not be fetched: ${e.message}${hint}`,
      { cause: e },
    );
  }
}
