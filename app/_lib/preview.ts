/**
 * The live preview of a server being edited: for each public URL, the URLs an
 * MCP client will use and the exact RFC 9728 document, built with the proxy's
 * own pure functions (lib/proxy/server-urls.ts). Runs in the browser on every
 * keystroke.
 */
import {
  documentFor,
  listServerUrls,
  type ProviderLike,
  type ServerLike,
  type ServerUrlSet,
} from "../../lib/proxy/server-urls";
import type { ProtectedResourceMetadata } from "../../lib/proxy/metadata";

export type ServerPreview = ServerUrlSet & { metadata: ProtectedResourceMetadata | null };

const SOURCE_LABEL: Record<ServerUrlSet["source"], string> = {
  server_public_url: "public URL of this server",
  public_url: "PUBLIC_URL",
  request: "this console's address",
};
export const sourceLabel = (s: ServerUrlSet["source"]) => SOURCE_LABEL[s];

export function previewServer(
  server: ServerLike,
  opts: { publicUrl?: string | null; origin: string; provider?: ProviderLike },
): ServerPreview[] {
  const sets = listServerUrls(server, {
    publicUrl: opts.publicUrl ?? undefined,
    requestBase: opts.origin,
    provider: opts.provider,
  });
  return sets.map((set) => ({
    ...set,
    metadata: set.wwwAuthenticate ? documentFor({ ...server, auth: "oauth" }, opts.provider, new URL(set.base)) : null,
  }));
}
