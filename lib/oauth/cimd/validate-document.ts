/**
 * Checks a fetched client ID metadata document (draft-ietf-oauth-client-id-
 * metadata-document §4 with the gateway's own limits): a JSON object with the
 * RFC 7591 fields of lib/oauth/client-metadata.ts, whose `client_id` equals the
 * URL it was fetched from exactly, with redirect URIs and a `client_name`, and
 * a public client (`token_endpoint_auth_method` none or absent): no shared
 * secret can exist for it, and key-based client authentication is not offered.
 */
import { z } from "zod";
import { clientMetadataSchema, KEPT_METADATA } from "../client-metadata";
import { checkRedirectUri } from "../redirect-uri";
import { CimdError } from "./errors";

/** Documents list every loopback host and port a native client may use: more than a registration would. */
export const MAX_DOCUMENT_REDIRECT_URIS = 100;

const documentSchema = clientMetadataSchema.extend({
  client_id: z.string(),
  redirect_uris: z
    .array(z.unknown())
    .min(1, "at least one redirect URI is required")
    .max(MAX_DOCUMENT_REDIRECT_URIS, `at most ${MAX_DOCUMENT_REDIRECT_URIS} redirect URIs`),
  client_name: z.string().trim().min(1, "is required").max(200),
  // Checked below with the reason; any value parses here.
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string().max(200)).max(20).optional(),
  response_types: z.array(z.string().max(100)).max(10).optional(),
});

/** What the facade uses from a valid document. */
export type ClientMetadataDocument = {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  /** Kept metadata (client-metadata.ts KEPT_METADATA), shown and stored like a registration's. */
  metadata: Record<string, unknown>;
};

export function validateClientMetadataDocument(body: unknown, url: string): ClientMetadataDocument {
  const invalid = (why: string) =>
    new CimdError("cimd_invalid_document", `the client ID metadata document at ${url} is invalid: ${why}`);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("it is not a JSON object");
  const raw = body as Record<string, unknown>;
  if (raw.client_id !== url)
    throw new CimdError(
      "cimd_client_id_mismatch",
      `the client ID metadata document at ${url} names another client_id (${JSON.stringify(raw.client_id)?.slice(0, 200)}): it must equal the document's URL exactly`,
    );
  if ("client_secret" in raw || "client_secret_expires_at" in raw)
    throw invalid("it contains a client_secret, which a metadata document must never carry");
  const method = raw.token_endpoint_auth_method;
  if (method !== undefined && method !== "none") {
    if (typeof method === "string" && /^client_secret_/.test(method))
      throw invalid(
        `token_endpoint_auth_method ${method} needs a shared secret, which a metadata document cannot have`,
      );
    throw new CimdError(
      "cimd_unsupported_client",
      `the client at ${url} asks for token_endpoint_auth_method ${JSON.stringify(method)}; the gateway accepts metadata documents of public clients only (none)`,
    );
  }
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue.path.join(".") || "document"}: ${issue.message}`);
  }
  const d = parsed.data;
  const redirectUris: string[] = [];
  d.redirect_uris.forEach((u, i) => {
    const problem = checkRedirectUri(u);
    if (problem) throw invalid(`redirect_uris[${i}] ${problem}`);
    if (!redirectUris.includes(u as string)) redirectUris.push(u as string);
  });
  if (d.grant_types && !d.grant_types.includes("authorization_code"))
    throw invalid("grant_types does not include authorization_code");
  if (d.response_types && !d.response_types.includes("code")) throw invalid('response_types does not include "code"');

  const metadata: Record<string, unknown> = {
    redirect_uris: redirectUris,
    token_endpoint_auth_method: "none",
    grant_types: (d.grant_types ?? ["authorization_code"]).filter(
      (g) => g === "authorization_code" || g === "refresh_token",
    ),
    response_types: ["code"],
  };
  for (const k of KEPT_METADATA) if (d[k] !== undefined) metadata[k] = d[k];
  return { clientId: url, clientName: d.client_name, redirectUris, metadata };
}
