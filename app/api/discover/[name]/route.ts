import { AppError } from "@/lib/errors";
import { discoverProvider } from "@/lib/providers";
import { apiHandler, getRuntime, param } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/**
 * What the IdP really supports (discovery documents, PKCE, DCR, JWKS…) and the quirks applied. Never cached.
 * `?quick=1` (the check right after a save): 2.5 s per fetch instead of 5.
 */
export const POST = apiHandler(async (req, p) => {
  const name = param(p, "name");
  const rt = getRuntime();
  const provider = rt.config.current().providers.get(name);
  if (!provider) throw new AppError("not_found", `provider "${name}" does not exist`);
  const quick = new URL(req.url).searchParams.get("quick") === "1";
  return discoverProvider(provider, { env: rt.env, ...(quick ? { timeoutMs: 2500 } : {}) });
});
