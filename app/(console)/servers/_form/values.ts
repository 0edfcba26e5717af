/**
 * The server form's values and how they become the API body, validated by
 * `serverSchema` itself. The form keeps text where people type text (empty
 * strings for unset fields, the extra metadata as JSON text).
 */
import {
  serverSchema,
  type enforcementModes,
  type ResourceMetadataConfig,
  type ServerConfig,
} from "@/lib/config/schema";
import type { ServerView } from "@/lib/config/model";
import { apiPayloadSchema, compact, type FormIssue } from "@/app/_lib/form";
import { secretPayload, type SecretValue } from "@/components/secret-field";

export type AuthMode = "oauth" | "passthrough" | "none";

export type ServerFormValues = {
  name: string;
  path: string;
  upstream: string;
  auth: AuthMode;
  oauth: {
    provider: string;
    mode: "proxy" | "direct";
    enforcement: (typeof enforcementModes)[number];
    audiences: string[];
    includeClientIdInAudience: boolean;
    requiredScopes: string[];
    allowedRedirectUris: string[];
  };
  publicUrls: string[];
  /** Answer only on the publicUrls hosts (several servers may then share a path). */
  hostRouting: boolean;
  resourceMetadata: {
    resourceName: string;
    scopesSupported: string[];
    bearerMethodsSupported: Array<"header" | "body">;
    resourceDocumentation: string;
    resourcePolicyUri: string;
    resourceTosUri: string;
    /** Further RFC 9728 fields, as a JSON object's text. */
    extra: string;
  };
  /** An empty header means no upstream credential; value: undefined keeps, null clears, a string replaces. */
  upstreamAuth: { header: string; value: SecretValue };
  identityHeaders: boolean;
  maxBodyBytes: number;
  allowedOrigins: string[];
  /** Rules, rate limits and audit are edited on their own panel: kept as stored. */
  operations: Partial<Pick<ServerConfig, "policy" | "rateLimits" | "audit">>;
};

const keptOperations = (s?: ServerView): ServerFormValues["operations"] =>
  s ? Object.fromEntries((["policy", "rateLimits", "audit"] as const).flatMap((k) => (s[k] ? [[k, s[k]]] : []))) : {};

export function serverFormValues(s?: ServerView): ServerFormValues {
  const md = s?.resourceMetadata;
  return {
    name: s?.name ?? "",
    path: s?.path ?? "",
    upstream: s?.upstream ?? "",
    auth: s?.auth ?? "oauth",
    oauth: {
      provider: s?.oauth?.provider ?? "",
      mode: s?.oauth?.mode ?? "proxy",
      enforcement: s?.oauth?.enforcement ?? "strict",
      audiences: s?.oauth?.audiences ?? [],
      includeClientIdInAudience: s?.oauth?.includeClientIdInAudience ?? false,
      requiredScopes: s?.oauth?.requiredScopes ?? [],
      allowedRedirectUris: s?.oauth?.allowedRedirectUris ?? [],
    },
    publicUrls: s?.publicUrls ?? [],
    hostRouting: s?.routing === "host",
    resourceMetadata: {
      resourceName: md?.resourceName ?? "",
      scopesSupported: md?.scopesSupported ?? [],
      bearerMethodsSupported: md?.bearerMethodsSupported ?? [],
      resourceDocumentation: md?.resourceDocumentation ?? "",
      resourcePolicyUri: md?.resourcePolicyUri ?? "",
      resourceTosUri: md?.resourceTosUri ?? "",
      extra: md?.extra && Object.keys(md.extra).length ? JSON.stringify(md.extra, null, 2) : "",
    },
    upstreamAuth: { header: s?.upstreamAuth?.header ?? "", value: undefined },
    identityHeaders: s?.identityHeaders ?? true,
    maxBodyBytes: s?.maxBodyBytes ?? 4 * 1024 * 1024,
    allowedOrigins: s?.allowedOrigins ?? [],
    operations: keptOperations(s),
  };
}

/** The extra metadata's JSON text as an object, or why it is not one. */
export function parseExtra(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: {} };
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, error: "must be a JSON object" };
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
  }
}

/** The RFC 9728 fields that are set (empty lists and strings left out), with the extra fields. */
export function resourceMetadataOf(md: ServerFormValues["resourceMetadata"], extra: Record<string, unknown>) {
  const { extra: _text, ...fields } = md;
  const set = compact({
    ...fields,
    scopesSupported: fields.scopesSupported.length ? fields.scopesSupported : undefined,
    bearerMethodsSupported: fields.bearerMethodsSupported.length ? fields.bearerMethodsSupported : undefined,
  }) as Partial<ResourceMetadataConfig>;
  return { ...set, extra };
}

function serverPayload(v: ServerFormValues) {
  const issues: FormIssue[] = [];
  const extra = parseExtra(v.resourceMetadata.extra);
  if (!extra.ok) issues.push({ path: ["resourceMetadata", "extra"], message: extra.error });
  const secret = secretPayload(v.upstreamAuth.value);
  // Clearing the header removes the upstream credential altogether.
  const header = v.upstreamAuth.header.trim();
  const upstreamAuth = header ? { header, ...("value" in secret ? { value: secret.value } : {}) } : undefined;
  const payload = {
    name: v.name.trim(),
    ...(v.path.trim() ? { path: v.path.trim() } : {}),
    upstream: v.upstream.trim(),
    auth: v.auth,
    ...(v.auth === "oauth" ? { oauth: v.oauth } : {}),
    publicUrls: v.publicUrls,
    ...(v.hostRouting ? { routing: "host" } : {}),
    resourceMetadata: resourceMetadataOf(v.resourceMetadata, extra.ok ? extra.value : {}),
    ...(upstreamAuth ? { upstreamAuth } : {}),
    identityHeaders: v.identityHeaders,
    maxBodyBytes: v.maxBodyBytes,
    allowedOrigins: v.allowedOrigins,
    ...v.operations,
  };
  return { payload: payload as Partial<ServerConfig>, issues };
}

export const serverFormSchema = apiPayloadSchema(serverSchema, serverPayload);
