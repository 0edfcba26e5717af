/**
 * Fetches every discovery form of the IdP at once (the configured URL first)
 * and records each one; an issuer that differs from the configured one is a
 * problem (a warning when only a trailing slash differs).
 */
import { isFetchError } from "../../net";
import { candidateDocuments, type IdpMetadata } from "../discovery";
import { errorInfo, trimSlash, type DiscoverContext } from "./context";
import type { DiscoveredDocument } from "./report";

export async function fetchDocuments(ctx: DiscoverContext): Promise<void> {
  const { provider } = ctx;
  const fetched = await Promise.all(
    candidateDocuments(provider, ctx.profile).map(async (c) => {
      try {
        const { data, response } = await ctx.get(c.url, ctx.fetchOptions);
        return { c, data, status: response.status };
      } catch (e) {
        return { c, error: e };
      }
    }),
  );
  for (const f of fetched) {
    const d: DiscoveredDocument = { form: f.c.form, url: f.c.url, found: false };
    if ("error" in f) {
      d.error = errorInfo(f.error);
      if (isFetchError(f.error) && f.error.status) d.status = f.error.status;
      if (f.c.form === "configured")
        ctx.problems.push({ severity: "error", item: "discoveryUrl", message: d.error.message });
    } else {
      d.status = f.status;
      const doc = (typeof f.data === "object" && f.data && !Array.isArray(f.data) ? f.data : {}) as IdpMetadata;
      d.found = true;
      d.issuer = typeof doc.issuer === "string" ? doc.issuer : undefined;
      d.issuerMatches = doc.issuer === provider.issuer;
      if (!d.issuerMatches) {
        const slashOnly = d.issuer !== undefined && trimSlash(d.issuer) === trimSlash(provider.issuer);
        ctx.problems.push({
          severity: slashOnly ? "warning" : "error",
          item: `documents.${f.c.form}`,
          message: slashOnly
            ? `issuer in ${f.c.url} is "${d.issuer}" but the provider is configured as "${provider.issuer}" (trailing slash differs: tokens carry "${d.issuer}")`
            : `issuer in ${f.c.url} is ${JSON.stringify(d.issuer)}, not the configured "${provider.issuer}"`,
        });
      }
      if (!ctx.chosen && d.issuer !== undefined && trimSlash(d.issuer) === trimSlash(provider.issuer))
        ctx.chosen = { doc, url: d.url };
    }
    ctx.documents.push(d);
  }
}
