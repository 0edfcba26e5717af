import { AppError } from "@/lib/errors";
import { providerHealth } from "@/lib/status/provider-health";
import { apiHandler, getRuntime, param } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

/** A short discovery of the provider (2.5 s per fetch): healthy or its first problem, and whether it offers DCR. */
export const GET = apiHandler(async (_req, p) => {
  const name = param(p, "name");
  const rt = getRuntime();
  const provider = rt.config.current().providers.get(name);
  if (!provider) throw new AppError("not_found", `provider "${name}" does not exist`);
  return providerHealth(provider, { env: rt.env });
});
