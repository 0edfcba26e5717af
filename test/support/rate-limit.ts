/**
 * Counting a rate limit's burst from outside. A bucket refills while the requests are being sent (a
 * registration every 2 s, a sign-in every 6 s), so on a slow machine a fixed "N allowed, then refused"
 * flakes. Instead: send until the first refusal, and bound what was allowed by the refill the elapsed time
 * permits. A limit that is not enforced (or is per replica) still fails: it allows far more than that.
 */
import type { RateLimit } from "../../lib/db/rate-limit-repo";

export type Burst = { allowed: number; refused: Response; maxAllowed: number };

export async function sendUntilRefused(
  send: (i: number) => Promise<Response>,
  limit: RateLimit,
  opts: { allowed: number; refused: number } = { allowed: 201, refused: 429 },
): Promise<Burst> {
  const started = Date.now();
  const cap = limit.capacity * 3;
  for (let i = 0; i < cap; i++) {
    const r = await send(i);
    if (r.status === opts.refused) {
      const refills = Math.floor(((Date.now() - started) / 1000) * limit.refillPerSecond);
      return { allowed: i, refused: r, maxAllowed: limit.capacity + refills };
    }
    if (r.status !== opts.allowed)
      throw new Error(
        `request ${i + 1}: expected ${opts.allowed} or ${opts.refused}, got ${r.status}: ${await r.text()}`,
      );
    await r.arrayBuffer().catch(() => undefined);
  }
  throw new Error(`no refusal after ${cap} requests: the limit of ${limit.capacity} is not enforced`);
}
