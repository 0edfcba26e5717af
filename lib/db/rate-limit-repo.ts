/**
 * Rate limits shared by every replica: one row per limit and client in "RateLimit", updated by one atomic
 * statement, so requests spread over several replicas (or racing on one) cannot overspend a bucket.
 *
 * GCRA (the token bucket as one timestamp): `tat` is when the bucket will be full again, in epoch ms. A
 * request is allowed while tat − now is at most (capacity − 1) intervals, and moves tat one interval
 * later; a refused request changes nothing. A row whose tat has passed is a full bucket, like no row.
 */
import type { Db } from "./client";
import type { DatabaseTarget } from "./url";
import type { SharedBuckets } from "../rate-limit/limiter";

export type RateLimit = { capacity: number; refillPerSecond: number };

// $1/?1 key, $2/?2 now, $3/?3 one interval (ms), $4/?4 the burst allowance (ms). No row back: refused.
const TAKE: Record<DatabaseTarget["kind"], string> = {
  postgres: `INSERT INTO "RateLimit" ("key", "tat") VALUES ($1, $2::float8 + $3::float8)
ON CONFLICT ("key") DO UPDATE SET "tat" = GREATEST("RateLimit"."tat", $2::float8) + $3::float8
WHERE GREATEST("RateLimit"."tat", $2::float8) - $2::float8 <= $4::float8
RETURNING "tat"`,
  sqlite: `INSERT INTO "RateLimit" ("key", "tat") VALUES (?1, ?2 + ?3)
ON CONFLICT ("key") DO UPDATE SET "tat" = MAX("RateLimit"."tat", ?2) + ?3
WHERE MAX("RateLimit"."tat", ?2) - ?2 <= ?4
RETURNING "tat"`,
};

export type RateLimitRepo = ReturnType<typeof createRateLimitRepo>;

export function createRateLimitRepo(db: Db, kind: DatabaseTarget["kind"]) {
  return {
    /** True when `key` may make one more request under `limit` (and counts it), false when it is over. */
    async take(key: string, limit: RateLimit, now = Date.now()): Promise<boolean> {
      const interval = 1000 / limit.refillPerSecond;
      const rows = await db.$queryRawUnsafe<unknown[]>(TAKE[kind], key, now, interval, (limit.capacity - 1) * interval);
      return rows.length > 0;
    },
    /** Deletes full buckets (nothing is lost: no row is a full bucket). */
    async sweep(now = Date.now()): Promise<number> {
      return (await db.rateLimit.deleteMany({ where: { tat: { lt: now } } })).count;
    },
  };
}

/**
 * MCP rate limits' shared accounting (lib/rate-limit/limiter.ts) on PostgreSQL: one statement per sync adds
 * what a replica admitted to each bucket's tat (the same GCRA rows as above) and returns the new tats.
 */
export function createSharedMcpBuckets(db: Db): SharedBuckets {
  return {
    async add(entries, now) {
      const rows = await db.$queryRawUnsafe<{ key: string; tat: number }[]>(
        `INSERT INTO "RateLimit" ("key", "tat")
SELECT k, $1::float8 + d FROM unnest($2::text[], $3::float8[]) AS u(k, d)
ON CONFLICT ("key") DO UPDATE SET "tat" = GREATEST("RateLimit"."tat", $1::float8) + (EXCLUDED."tat" - $1::float8)
RETURNING "key", "tat"`,
        now,
        entries.map((e) => e.key),
        entries.map((e) => e.addMs),
      );
      return new Map(rows.map((r) => [r.key, Number(r.tat)]));
    },
  };
}
