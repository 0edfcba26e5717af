/** The body of `POST /api/inspect`, shared by the route and the console's inspector form. */
import { z } from "zod";
import { slugSchema } from "../config/schema";

// The token arrives in the body only (never a URL), is not stored and is never logged.
export const inspectRequestSchema = z.strictObject({
  token: z
    .string()
    .trim()
    .min(1, "paste a token")
    .max(16 * 1024, "is longer than 16 KiB"),
  server: slugSchema.optional(),
});
