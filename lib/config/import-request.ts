/** The body of `POST /api/config/import`, shared by the route and the console's import form. */
import { z } from "zod";

export const importRequestSchema = z
  .strictObject({
    yaml: z.string().max(2 * 1024 * 1024, "the file is larger than 2 MiB"),
    prune: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    /** With prune: delete removed providers' clients at the gateway only, leaving their clients at the IdP. */
    keepIdpClients: z.boolean().default(false),
  })
  .refine((b) => b.prune || !b.keepIdpClients, { path: ["keepIdpClients"], message: "only applies with prune" });
