/**
 * RFC 6749 §2.3: who is calling the facade's token endpoint. HTTP Basic or the form's
 * client_id/client_secret (never both); the secret is checked when the client has one. A client
 * known by its metadata document (public) must still have a valid, allowed document.
 */
import type { IncomingMessage } from "node:http";
import { safeEqual, sha256 } from "../../admin/tokens";
import type { FacadeContext, FacadeDeps } from "../context";
import { InvalidClient, InvalidRequest } from "../errors";
import type { OAuthClientRecord } from "../store";
import { looksLikeClientIdUrl } from "../cimd/client-id-url";
import { clientRecordId } from "../cimd/client-ids";
import { CimdError } from "../cimd/errors";
import { cimdDocument } from "./cimd-client";

function parseBasic(header: string): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const raw = Buffer.from(m[1], "base64").toString("utf8");
  const i = raw.indexOf(":");
  if (i < 0) return undefined;
  try {
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: dec(raw.slice(0, i)), secret: dec(raw.slice(i + 1)) };
  } catch {
    return { id: raw.slice(0, i), secret: raw.slice(i + 1) };
  }
}

export async function authenticateClient(
  req: IncomingMessage,
  form: Map<string, string>,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<OAuthClientRecord> {
  const header = req.headers.authorization;
  let id = form.get("client_id");
  let secret = form.get("client_secret");
  let basic = false;
  if (header) {
    const creds = parseBasic(header);
    if (!creds) throw new InvalidClient("malformed Authorization header", true);
    if (secret !== undefined) throw new InvalidRequest("use one client authentication method, not two");
    if (id !== undefined && id !== creds.id)
      throw new InvalidRequest("client_id does not match the Authorization header");
    ({ id, secret } = creds);
    basic = true;
  }
  if (!id) throw new InvalidClient("client authentication failed: no client_id", basic);
  const client = await deps.store.getClient(clientRecordId(ctx.provider.name, id));
  if (!client || client.providerName !== ctx.provider.name)
    throw new InvalidClient("client authentication failed: unknown client", basic);
  // A client known by its metadata document stays one only while the document is valid and allowed.
  if (looksLikeClientIdUrl(id)) {
    try {
      await cimdDocument(id, ctx, deps);
    } catch (e) {
      if (e instanceof CimdError) throw new InvalidClient(`client authentication failed: ${e.message}`, basic);
      throw e;
    }
  }
  if (client.clientSecretHash) {
    if (!secret || !safeEqual(sha256(secret), client.clientSecretHash))
      throw new InvalidClient("client authentication failed", basic);
  }
  return client;
}
