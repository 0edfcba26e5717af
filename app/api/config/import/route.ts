import { z } from "zod";
import { applyConfigText } from "@/lib/config/apply";
import { cleanUpBeforeProviderDeletes, clientAdminDeps } from "@/lib/oauth/clients-admin";
import { actorOf, apiHandler, getRuntime, readJson } from "../../_lib/handler";

export const dynamic = "force-dynamic";

const importSchema = z.strictObject({
  yaml: z.string().max(2 * 1024 * 1024, "the file is larger than 2 MiB"),
  prune: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  /** With prune: delete removed providers' clients at the gateway only, leaving their upstream clients at the IdP. */
  keepUpstream: z.boolean().default(false),
}).refine((b) => b.prune || !b.keepUpstream, { path: ["keepUpstream"], message: "only applies with prune" });

/**
 * Same validation as `portcullis apply`: every error by path, nothing applied on error. A pruned provider's
 * clients' upstream clients are deleted at the IdP first (as DELETE /api/providers/<p> does).
 */
export const POST = apiHandler(async (req) => {
  const body = await readJson(req, importSchema, "import", 3 * 1024 * 1024);
  const rt = getRuntime();
  const actor = actorOf(req);
  const summary = await applyConfigText(rt.repos.config, body.yaml, {
    prune: body.prune,
    dryRun: body.dryRun,
    actor,
    beforeDeletingProviders: body.keepUpstream ? undefined : cleanUpBeforeProviderDeletes(clientAdminDeps(rt), { actor, keepHint: "import with keepUpstream (in the console: Keep their IdP clients)" }),
  });
  if (!body.dryRun) await rt.config.refresh();
  return { ...summary, dryRun: body.dryRun };
});
