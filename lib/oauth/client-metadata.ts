/**
 * RFC 7591 client metadata: the one schema for dynamic client registration at
 * the facade and for client ID metadata documents (cimd/). Registration
 * validates the client's metadata (bounded sizes, safe redirect URIs, only the
 * code flow) and answers 201 with a gateway client id (and a secret for
 * confidential clients; only its hash is stored). Unknown metadata fields are
 * ignored (RFC 7591 §2), which accepts what MCP clients typically send
 * (software_id, jwks_uri, post_logout_redirect_uris, …).
 */
import { z } from "zod";
import { randomId, sha256 } from "../admin/tokens";
import { InvalidClientMetadata, InvalidRedirectUri } from "./errors";
import { compileAllowlist, redirectAllowed } from "./redirect-allowlist";
import { checkRedirectUri } from "./redirect-uri";
import type { ClientAuthMethod, OAuthClientRecord } from "./store";

export const MAX_REDIRECT_URIS = 10;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const shortText = (max: number) => z.string().max(max);
const webUrl = z
  .string()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "https:" || u.protocol === "http:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL");

/** The fields we keep; anything else is ignored. */
export const clientMetadataSchema = z.object({
  redirect_uris: z
    .array(z.unknown())
    .min(1, "at least one redirect URI is required")
    .max(MAX_REDIRECT_URIS, `at most ${MAX_REDIRECT_URIS} redirect URIs`),
  token_endpoint_auth_method: z.enum(["none", "client_secret_basic", "client_secret_post"]).optional(),
  grant_types: z.array(z.string().max(100)).max(5).optional(),
  response_types: z.array(z.string().max(100)).max(5).optional(),
  client_name: shortText(200).optional(),
  client_uri: webUrl.optional(),
  logo_uri: webUrl.optional(),
  tos_uri: webUrl.optional(),
  policy_uri: webUrl.optional(),
  scope: z
    .string()
    .max(2000)
    .refine(
      (s) =>
        s
          .split(" ")
          .filter(Boolean)
          .every((t) => SCOPE_TOKEN.test(t)),
      "must be space-separated scope tokens",
    )
    .optional(),
  contacts: z.array(shortText(320)).max(10).optional(),
  software_id: shortText(200).optional(),
  software_version: shortText(100).optional(),
  /** OpenID Connect Registration: "web" or "native" (kept and echoed; the redirect URI rules are the same). */
  application_type: z.enum(["web", "native"]).optional(),
});

/** Registered metadata the gateway keeps and answers with (besides the URIs and methods it derives). */
export const KEPT_METADATA = [
  "client_name",
  "client_uri",
  "logo_uri",
  "tos_uri",
  "policy_uri",
  "scope",
  "contacts",
  "software_id",
  "software_version",
  "application_type",
] as const;

export type RegistrationResult = {
  record: OAuthClientRecord;
  response: Record<string, unknown>;
  clientSecret?: string;
};

/**
 * Validates `body` (parsed JSON) and builds the client record and the 201 body.
 * `allowlist`: when non-empty, every redirect URI must be allowed by it
 * (redirect-allowlist.ts: exact, loopback with any port, presets, prefix patterns).
 */
export function buildRegistration(
  body: unknown,
  opts: { providerName: string; allowlist?: readonly string[]; now?: Date },
): RegistrationResult {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new InvalidClientMetadata("the body must be a JSON object");
  const parsed = clientMetadataSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.join(".");
    const msg = `${path || "metadata"}: ${issue.message}`;
    if (issue.path[0] === "redirect_uris") throw new InvalidRedirectUri(msg);
    throw new InvalidClientMetadata(msg);
  }
  const m = parsed.data;
  const redirectUris: string[] = [];
  const allowlist = opts.allowlist?.length ? compileAllowlist(opts.allowlist) : undefined;
  m.redirect_uris.forEach((u, i) => {
    const problem = checkRedirectUri(u);
    if (problem) throw new InvalidRedirectUri(`redirect_uris[${i}] ${problem}`);
    if (!redirectUris.includes(u as string)) redirectUris.push(u as string);
    if (allowlist && !redirectAllowed(u as string, allowlist)) {
      throw new InvalidRedirectUri(`redirect_uris[${i}] is not in the gateway's allowed redirect URIs for this server`);
    }
  });
  const grantTypes = m.grant_types ?? ["authorization_code"];
  const badGrant = grantTypes.find((g) => g !== "authorization_code" && g !== "refresh_token");
  if (badGrant)
    throw new InvalidClientMetadata(
      `grant_types: "${badGrant}" is not supported (only authorization_code and refresh_token)`,
    );
  if (!grantTypes.includes("authorization_code"))
    throw new InvalidClientMetadata("grant_types must include authorization_code");
  const responseTypes = m.response_types ?? ["code"];
  if (responseTypes.some((r) => r !== "code"))
    throw new InvalidClientMetadata('response_types: only "code" is supported');

  // RFC 7591 defaults to client_secret_basic; MCP clients normally ask for "none" (public + PKCE).
  const method: ClientAuthMethod = m.token_endpoint_auth_method ?? "client_secret_basic";
  const now = opts.now ?? new Date();
  const clientId = `pc_${randomId(18)}`;
  const clientSecret = method === "none" ? undefined : randomId(32);

  const metadata: Record<string, unknown> = {
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method,
    grant_types: grantTypes,
    response_types: responseTypes,
  };
  for (const k of KEPT_METADATA) if (m[k] !== undefined) metadata[k] = m[k];
  const issuedAt = Math.floor(now.getTime() / 1000);
  const response: Record<string, unknown> = {
    client_id: clientId,
    client_id_issued_at: issuedAt,
    ...(clientSecret ? { client_secret: clientSecret, client_secret_expires_at: 0 } : {}),
    ...metadata,
  };
  return {
    record: {
      clientId,
      providerName: opts.providerName,
      clientName: m.client_name,
      redirectUris,
      metadata,
      tokenEndpointAuthMethod: method,
      clientSecretHash: clientSecret ? sha256(clientSecret) : undefined,
      createdAt: now,
    },
    response,
    clientSecret,
  };
}
