import { AppError } from "@/lib/errors";
import { discoverProvider } from "@/lib/providers";
import { apiHandler, getRuntime, param } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/** What the IdP really supports (discovery documents, PKCE, DCR, JWKS…) and the quirks applied. Never cached. */
export const POST = apiHandler(async (_req, p) => {
  const name = param(p, "name");
  const provider = getRuntime().config.current().providers.get(name);
  if (!provider) throw new AppError("not_found", `provider "${name}" does not exist`);
  return discoverProvider(provider);
});
