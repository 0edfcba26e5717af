/**
 * The bootstrap admin: ADMIN_PASSWORD sets (or resets) the `admin` user's
 * password at every start; without it, the first start generates a password and
 * prints it once. Only the scrypt hash is stored.
 */
import type { AdminRepo } from "../db/admin-repo";
import { ADMIN_USERNAME } from "./login-request";
import { generatePassword, hashPassword, verifyPassword } from "./passwords";

export async function bootstrapAdmin(
  admin: AdminRepo,
  adminPassword: string | undefined,
): Promise<{ oneTimePassword?: string }> {
  const existing = await admin.findUser(ADMIN_USERNAME);
  if (adminPassword) {
    if (!existing || !(await verifyPassword(adminPassword, existing.passwordHash))) {
      await admin.upsertUser(ADMIN_USERNAME, await hashPassword(adminPassword));
    }
    return {};
  }
  if (existing) return {};
  const oneTimePassword = generatePassword();
  const created = await admin.createUserIfAbsent(ADMIN_USERNAME, await hashPassword(oneTimePassword));
  return created ? { oneTimePassword } : {};
}
