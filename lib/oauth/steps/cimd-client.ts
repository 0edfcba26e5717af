/**
 * A client known by its client ID metadata document: the document (cimd/resolver.ts: policy,
 * cache, fetch, validation), then its record here, created at its first use at this provider
 * (with the IdP client the gateway registers for it, once per document URL) and refreshed when the
 * document changed (new redirect URIs: remembered consents are forgotten). Failures are CimdErrors; callers show a page (/authorize) or answer
 * invalid_client (/token).
 */
import type { FacadeContext, FacadeDeps } from "../context";
import { clientRecordId } from "../cimd/client-ids";
import { cimdPolicyOf } from "../cimd/policy";
import type { ClientMetadataDocument } from "../cimd/validate-document";
import { deleteIdpRegistration } from "../idp-registration";
import type { OAuthClientRecord } from "../store";
import { attachIdpClient } from "./attach-idp-client";

export type CimdClient = { client: OAuthClientRecord; document: ClientMetadataDocument };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function documentRecord(doc: ClientMetadataDocument, ctx: FacadeContext, now: number): OAuthClientRecord {
  return {
    clientId: clientRecordId(ctx.provider.name, doc.clientId),
    providerName: ctx.provider.name,
    clientName: doc.clientName,
    redirectUris: doc.redirectUris,
    metadata: { client_id: doc.clientId, ...doc.metadata },
    tokenEndpointAuthMethod: "none",
    createdAt: new Date(now),
  };
}

/** The document for this client id, checked again (it may have changed or gone). */
export function cimdDocument(clientId: string, ctx: FacadeContext, deps: FacadeDeps): Promise<ClientMetadataDocument> {
  return deps.cimd.resolve(clientId, cimdPolicyOf(ctx.provider), ctx.provider.name);
}

export async function cimdClientFor(clientId: string, ctx: FacadeContext, deps: FacadeDeps): Promise<CimdClient> {
  const document = await cimdDocument(clientId, ctx, deps);
  const fresh = documentRecord(document, ctx, deps.now());
  const existing = await deps.store.getClient(fresh.clientId);
  if (existing) {
    // Keep what the gateway added (idp_* keys) while following the document.
    const idpKeys = Object.fromEntries(Object.entries(existing.metadata).filter(([k]) => k.startsWith("idp_")));
    const metadata = { ...fresh.metadata, ...idpKeys };
    if (
      existing.clientName !== fresh.clientName ||
      !same(existing.redirectUris, fresh.redirectUris) ||
      !same(existing.metadata, metadata)
    ) {
      const redirectsChanged = !same(existing.redirectUris, fresh.redirectUris);
      const update = { clientName: fresh.clientName, redirectUris: fresh.redirectUris, metadata };
      await deps.store.updateClient(existing.clientId, update);
      // Consent was given for codes going to the old redirect URIs: ask again.
      if (redirectsChanged) await deps.store.forgetConsents(existing.clientId);
      return { client: { ...existing, ...update }, document };
    }
    return { client: existing, document };
  }
  await attachIdpClient(fresh, ctx, deps);
  try {
    await deps.store.createClient(fresh);
  } catch (e) {
    // Two first uses at once: the other one's record wins; this one's IdP client goes.
    const winner = await deps.store.getClient(fresh.clientId);
    if (!winner) throw e;
    if (fresh.idpRegistration) {
      const token = await deps.secrets.decrypt(fresh.idpRegistration.tokenEnc).catch(() => undefined);
      if (token)
        await deleteIdpRegistration({ uri: fresh.idpRegistration.uri, token }, deps.providerDeps).catch(() => {});
    }
    return { client: winner, document };
  }
  deps.logger.info(
    { provider: ctx.provider.name, clientId: document.clientId, idpDcr: Boolean(fresh.idpClientId) },
    "oauth client known by its metadata document",
  );
  return { client: fresh, document };
}
