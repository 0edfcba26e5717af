import { applyConfigText } from "@/lib/config/apply";
import { importRequestSchema } from "@/lib/config/import-request";
import { cleanUpBeforeProviderDeletes, clientAdminDeps } from "@/lib/oauth/clients-admin";
import { actorOf, apiHandler, getRuntime, readJson } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/**
 * Same validation as `portcullis apply`: every error by path, nothing applied on error. For a pruned provider,
 * the clients the gateway registered at the IdP are deleted there first (as DELETE /api/providers/<p> does).
 */
export const POST = apiHandler(async (req) => {
  const body = await readJson(req, importRequestSchema, "import", 3 * 1024 * 1024);
  const rt = getRuntime();
  const actor = actorOf(req);
  const summary = await applyConfigText(rt.repos.config, body.yaml, {
    prune: body.prune,
    dryRun: body.dryRun,
    actor,
    beforeDeletingProviders: body.keepIdpClients
      ? undefined
      : cleanUpBeforeProviderDeletes(clientAdminDeps(rt), {
          actor,
          keepHint: "import with keepIdpClients (in the console: Keep their IdP clients)",
        }),
  });
  if (!body.dryRun) await rt.config.refresh();
  return { ...summary, dryRun: body.dryRun };
});
