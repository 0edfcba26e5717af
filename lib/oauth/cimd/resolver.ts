/**
 * Resolves a client ID metadata document URL to a validated document, in
 * order: the URL's form, the provider's policy (checked on every use, so
 * turning CIMD off takes effect at once), a per-process cache honouring the
 * document's HTTP caching within bounds, and one fetch per URL at a time
 * (concurrent authorizations share it). Invalid documents and failures are
 * never cached.
 */
import { ExpiringLru } from "../../tokens/lru";
import { matchRedirectUri } from "../redirect-uri";
import { parseClientIdUrl } from "./client-id-url";
import { CimdError } from "./errors";
import { fetchClientMetadataDocument, type FetchDocumentOptions, type FetchedDocument } from "./fetch-document";
import { checkCimdPolicy, type CimdPolicy } from "./policy";
import { validateClientMetadataDocument, type ClientMetadataDocument } from "./validate-document";

export const MAX_CACHED_DOCUMENTS = 1000;

export type CimdResolver = {
  resolve(clientId: string, policy: CimdPolicy, providerName: string): Promise<ClientMetadataDocument>;
};

export type CimdResolverDeps = FetchDocumentOptions & {
  now: () => number;
  /** Replaces the network fetch (unit tests). */
  fetchDocument?: (url: URL, opts: FetchDocumentOptions) => Promise<FetchedDocument>;
};

export function createCimdResolver(deps: CimdResolverDeps): CimdResolver {
  const cache = new ExpiringLru<ClientMetadataDocument>(MAX_CACHED_DOCUMENTS);
  const inflight = new Map<string, Promise<ClientMetadataDocument>>();
  const fetchDocument = deps.fetchDocument ?? fetchClientMetadataDocument;
  const load = async (clientId: string, url: URL) => {
    const fetched = await fetchDocument(url, deps);
    const doc = validateClientMetadataDocument(fetched.body, clientId);
    cache.set(clientId, doc, deps.now() + fetched.lifetimeMs);
    return doc;
  };
  return {
    async resolve(clientId, policy, providerName) {
      const url = parseClientIdUrl(clientId);
      checkCimdPolicy(url, policy, providerName);
      const hit = cache.get(clientId, deps.now());
      if (hit) return hit;
      let pending = inflight.get(clientId);
      if (!pending) {
        pending = load(clientId, url).finally(() => inflight.delete(clientId));
        inflight.set(clientId, pending);
      }
      return pending;
    },
  };
}

/**
 * The redirect URI a request may use with this document: the presented one when the document lists
 * it (loopback: any port), or the document's only one when none is presented.
 */
export function documentRedirectUri(doc: ClientMetadataDocument, presented: string | undefined): string {
  if (presented === undefined) {
    if (doc.redirectUris.length === 1) return doc.redirectUris[0];
    throw new CimdError(
      "cimd_redirect_uri_not_listed",
      `the request has no redirect_uri and the client ID metadata document at ${doc.clientId} lists several`,
    );
  }
  if (!matchRedirectUri(presented, doc.redirectUris))
    throw new CimdError(
      "cimd_redirect_uri_not_listed",
      `the redirect_uri is not one the client ID metadata document at ${doc.clientId} lists; for your safety the gateway does not redirect there`,
    );
  return presented;
}
