/**
 * The gateway's rate limits, per client (see lib/urls/client-address.ts for what a client is). They are
 * kept in the database (lib/db/rate-limit-repo.ts), so replicas behind one load balancer share them.
 */
import type { RateLimit, RateLimitRepo } from "../db/rate-limit-repo";

/** Resolves false when `key` is over the limit; a database error rejects (the request fails, not the limit). */
export type RateLimiter = { take(key: string): Promise<boolean> };

/** Dynamic client registrations: a burst of 30, then one every 2 s. */
export const REGISTRATION_LIMIT: RateLimit = { capacity: 30, refillPerSecond: 0.5 };
/** Console sign-in attempts: 10 a minute. */
export const SIGN_IN_LIMIT: RateLimit = { capacity: 10, refillPerSecond: 10 / 60 };
/** Facade authorization requests per client address: a burst of 60, then one a second. */
export const AUTHORIZE_ADDRESS_LIMIT: RateLimit = { capacity: 60, refillPerSecond: 1 };
/** Facade authorization requests per client id (all its users together): a burst of 120, then two a second. */
export const AUTHORIZE_CLIENT_LIMIT: RateLimit = { capacity: 120, refillPerSecond: 2 };

/** What a locked-out client is told: the limit's own numbers (one attempt back every interval). */
export function lockoutMessage(limit: RateLimit = SIGN_IN_LIMIT): string {
  const every = Math.round(1 / limit.refillPerSecond);
  const full = Math.round(limit.capacity / limit.refillPerSecond);
  return `too many sign-in attempts from this address: one more attempt is allowed every ${every} s (all ${limit.capacity} again after ${full} s without attempts)`;
}

export function sharedRateLimiter(repo: Pick<RateLimitRepo, "take">, name: string, limit: RateLimit): RateLimiter {
  return { take: (key) => repo.take(`${name}:${key}`, limit) };
}
