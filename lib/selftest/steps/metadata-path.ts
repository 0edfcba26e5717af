/**
 * Step 4: the path-inserted well-known URL (the SDK's fallback) serves the
 * same document. Without any document, nothing after this can run.
 */
import { errorMessage } from "../../errors";
import { fetchDocument, type SelftestContext, type StepOutcome } from "../context";
import { pathInserted } from "../urls";

export async function checkMetadataAtPathUrl(ctx: SelftestContext): Promise<StepOutcome> {
  const url = pathInserted(ctx.opts.mcpUrl, "/.well-known/oauth-protected-resource");
  try {
    const doc = await fetchDocument(ctx, url);
    const same = !ctx.prm || JSON.stringify(doc) === JSON.stringify(ctx.prm);
    ctx.prm ??= doc;
    return {
      status: same ? "pass" : "warn",
      url,
      detail: same ? "200, same document" : "200, but a different document than the challenge's URL",
    };
  } catch (e) {
    return { status: ctx.prm ? "warn" : "fail", url, detail: errorMessage(e), stop: !ctx.prm };
  }
}
