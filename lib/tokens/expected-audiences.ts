/**
 * Builds a server's accepted audiences, each labelled with its origin so the
 * inspector can say "expected https://mcp.example.com/servers/fetcher/mcp
 * (public URL of server fetcher)". Order: resource URLs, then the client id
 * (only when includeClientIdInAudience), then configured extras; the first
 * occurrence of a value wins. Values are compared exactly, so they are kept
 * exactly as given (resource URLs come from lib/urls without a trailing slash).
 */
import type { ExpectedAudience } from "./types";

export type ExpectedAudienceInput = {
  serverName: string;
  /** Resource URLs of the server: one per public URL, plus the current request's when it differs. */
  resourceUrls: ReadonlyArray<{ url: string; source: "public_url" | "request_url" }>;
  providerName: string;
  clientId?: string;
  includeClientIdInAudience: boolean;
  audiences: readonly string[];
};

export function buildExpectedAudiences(input: ExpectedAudienceInput): ExpectedAudience[] {
  const out: ExpectedAudience[] = [];
  const seen = new Set<string>();
  const add = (e: ExpectedAudience) => {
    if (e.value && !seen.has(e.value)) {
      seen.add(e.value);
      out.push(e);
    }
  };
  for (const r of input.resourceUrls) {
    add({
      value: r.url,
      source: r.source,
      detail:
        r.source === "public_url"
          ? `public URL ${r.url} of server ${input.serverName}`
          : `resource URL of this request to server ${input.serverName}`,
    });
  }
  if (input.includeClientIdInAudience && input.clientId) {
    add({
      value: input.clientId,
      source: "client_id",
      detail: `client id of provider ${input.providerName} (include client id in audience is on)`,
    });
  }
  for (const a of input.audiences) {
    add({ value: a, source: "configured", detail: `audience configured for server ${input.serverName}` });
  }
  return out;
}
