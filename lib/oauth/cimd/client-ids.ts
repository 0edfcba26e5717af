/**
 * One document URL may be a client of several providers: its record here is
 * keyed `<url>#<provider>` (a client ID URL never has a fragment, and the
 * gateway's own ids are `pc_…`, so nothing collides). Clients and the console
 * see the URL itself.
 */
import { looksLikeClientIdUrl } from "./client-id-url";

/** The record id of a client id presented at a provider's facade. */
export const clientRecordId = (providerName: string, clientId: string) =>
  looksLikeClientIdUrl(clientId) ? `${clientId}#${providerName}` : clientId;

/** The client id clients and the console know a record by. */
export function presentedClientId(recordId: string): string {
  if (!looksLikeClientIdUrl(recordId)) return recordId;
  const hash = recordId.lastIndexOf("#");
  return hash < 0 ? recordId : recordId.slice(0, hash);
}
