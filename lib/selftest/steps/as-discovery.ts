/**
 * Step 7: discover the authorization server in the SDK's order: RFC 8414
 * path-inserted, OIDC path-inserted, OIDC path-appended (root forms when the
 * issuer has no path).
 */
import { errorMessage } from "../../errors";
import { fetchDocument, type SelftestContext, type StepOutcome } from "../context";
import { asMetadataUrls } from "../urls";

export async function checkAsDiscovery(ctx: SelftestContext): Promise<StepOutcome> {
  const attempts = asMetadataUrls(ctx.asUrl!);
  const tried: string[] = [];
  for (const url of attempts) {
    try {
      ctx.asDoc = await fetchDocument(ctx, url);
      return {
        status: "pass",
        url,
        detail: tried.length
          ? `found after ${tried.length} miss${tried.length === 1 ? "" : "es"}`
          : "found at the first URL",
      };
    } catch (e) {
      tried.push(`${url} → ${errorMessage(e)}`);
    }
  }
  return {
    status: "fail",
    detail: `none of the ${attempts.length} URLs an MCP client tries answered: ${tried.join("; ")}`,
    hint: "In direct mode the IdP must publish RFC 8414 or OIDC metadata at these places; proxy mode publishes them for you.",
    stop: true,
  };
}
