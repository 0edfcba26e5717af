/** The body of `POST /api/auth/login`, shared by the route and the console's sign-in form. */
import { z } from "zod";

export const ADMIN_USERNAME = "admin";

export const loginSchema = z.strictObject({
  username: z.string().trim().min(1).max(100).default(ADMIN_USERNAME),
  password: z.string().min(1, "is required").max(1000),
});
