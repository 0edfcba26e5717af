import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Opaque random identifiers (session ids, relay states): 256 bits. */
export const randomId = (bytes = 32) => randomBytes(bytes).toString("base64url");

/** What we store instead of a bearer secret: its SHA-256 (the id itself never touches the database). */
export const sha256 = (s: string) => createHash("sha256").update(s).digest("base64url");

/** Constant-time string comparison (compares hashes so lengths don't leak). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}
