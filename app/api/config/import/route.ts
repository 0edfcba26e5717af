import { z } from "zod";
import { applyConfigText } from "@/lib/config/apply";
import { cleanUpBeforeProviderDeletes, clientAdminDeps } from "@/lib/oauth/clients-admin";
import { actorOf, apiHandler, getRuntime, readJson } from "../../_lib/handler";

export const dynamic = "force-dynamic";

const importSchema = z
  .strictObject({
    yaml: z.string().max(2 * 1024 * 1024, "the file is larger than 2 MiB"),
    prune: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    /** With prune: delete removed providers' clients at the gateway only, leaving their clients at the IdP. */
    keepIdpClients: z.boolean().default(false),
  })
  .refine((b) => b.prune || !b.keepIdpClients, { path: ["keepIdpClients"], message: "only applies with prune" });

/**
 * Same validation as `portcullis apply`: every error by path, nothing applied on error. A pruned provider's
 * clients' clients there are deleted at the IdP first (as DELETE /api/providers/<p> does).
 */
export const POST = apiHandler(async (req) => {
  const body = await readJson(req, importSchema, "import", 3 * 1024 * 1024);
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
