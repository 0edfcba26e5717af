/**
 * RFC 9728 protected-resource metadata for one virtual server and one public
 * base. Config fields are camelCase (resourceMetadata.resourceName) and go
 * out snake_case (resource_name); `extra` is merged as given; empty values
 * are omitted; `resource` and `authorization_servers` are always computed.
 */
import type { ResourceMetadataConfig } from "../config/schema";

export type ProtectedResourceMetadata = Record<string, unknown> & {
  resource: string;
  authorization_servers?: string[];
};

export const toSnakeCase = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === "" ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

export function buildProtectedResourceMetadata(input: {
  resource: string;
  authorizationServers: readonly string[];
  metadata?: Partial<ResourceMetadataConfig>;
  /** Used for scopes_supported when the config gives none. */
  requiredScopes?: readonly string[];
}): ProtectedResourceMetadata {
  const out: Record<string, unknown> = {};
  const { extra, ...fields } = input.metadata ?? {};
  for (const [k, v] of Object.entries(fields)) if (!isEmpty(v)) out[toSnakeCase(k)] = v;
  if (out.scopes_supported === undefined && input.requiredScopes?.length)
    out.scopes_supported = [...input.requiredScopes];
  // The gateway reads tokens from the Authorization header only (query and body are refused).
  if (out.bearer_methods_supported === undefined) out.bearer_methods_supported = ["header"];
  for (const [k, v] of Object.entries(extra ?? {})) if (v !== undefined) out[k] = v;
  // Computed last: neither a camelCase field nor `extra` can replace them.
  const doc: ProtectedResourceMetadata = { resource: input.resource, ...out };
  doc.resource = input.resource;
  if (input.authorizationServers.length) doc.authorization_servers = [...input.authorizationServers];
  else delete doc.authorization_servers;
  return doc;
}
