/** Step 3: the metadata URL named in the challenge answers with an RFC 9728 document. */
import { errorMessage } from "../../errors";
import { fetchDocument, type SelftestContext, type StepOutcome } from "../context";

export async function checkMetadataAtChallengeUrl(ctx: SelftestContext): Promise<StepOutcome> {
  const url = ctx.challenge?.resource_metadata;
  if (!url) return { status: "skip", detail: "no URL in the challenge" };
  try {
    ctx.prm = await fetchDocument(ctx, url);
    return { status: "pass", url, detail: "200, JSON document" };
  } catch (e) {
    return {
      status: "fail",
      url,
      detail: errorMessage(e),
      hint: "The URL in WWW-Authenticate must be reachable by clients: check the public URL / PUBLIC_URL / TRUSTED_PROXIES.",
    };
  }
}
