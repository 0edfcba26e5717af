/**
 * A token bucket as one timestamp (GCRA): `tat` is when the bucket is full
 * again, in epoch ms. Taking n tokens is allowed while the new tat stays
 * within capacity intervals of now; a refused take changes nothing.
 */
export type BucketSpec = { capacity: number; refillPerSecond: number };

export const intervalMs = (spec: BucketSpec) => 1000 / spec.refillPerSecond;

/** 0 when the take is allowed (and `state.tat` moved), else how long until it would be (ms). */
export function takeTokens(state: { tat: number }, spec: BucketSpec, now: number, n = 1): number {
  const interval = intervalMs(spec);
  const next = Math.max(state.tat, now) + n * interval;
  const over = next - now - spec.capacity * interval;
  if (over > 0) return Math.max(over, 1);
  state.tat = next;
  return 0;
}
