/**
 * MCP rate limits across the workers of one replica when the database does not share them (SQLite):
 * the primary keeps the shared bucket times in memory and each worker syncs with it over the cluster's
 * IPC channel, as replicas sync through PostgreSQL (limiter.ts; the same arithmetic as
 * createSharedMcpBuckets: tat = max(tat, now) + what was admitted). docs/policy.md states the tolerance.
 */
import type { Worker } from "node:cluster";
import { isMessage, primaryRequests, type PrimaryChannel } from "../http/cluster-messages";
import { SyncUnanswered, type SharedBuckets } from "./limiter";

type Entry = { key: string; addMs: number };
type Sync = { kind: "portcullis:rate-sync"; id: number; now: number; entries: Entry[] };
type Synced = { kind: "portcullis:rate-synced"; id: number; tats: [string, number][] };

/** How long a worker waits for the primary's answer before the sync counts as failed. */
const TIMEOUT_MS = 2000;

/** In the primary: the shared buckets, and the answer to a worker's sync. */
export function primaryBuckets(): { answer(w: Worker, m: unknown): boolean } {
  const tats = new Map<string, number>();
  let prunedAt = 0;
  const add = (entries: Entry[], now: number): [string, number][] => {
    // A bucket whose time has passed is full, the same as none: forget those once a second.
    if (now - prunedAt > 1000) {
      prunedAt = now;
      for (const [k, tat] of tats) if (tat < now) tats.delete(k);
    }
    return entries.map(({ key, addMs }) => {
      const tat = Math.max(tats.get(key) ?? now, now) + addMs;
      tats.set(key, tat);
      return [key, tat];
    });
  };
  return {
    answer(w, m) {
      if (!isMessage<Sync>(m, "portcullis:rate-sync")) return false;
      const reply: Synced = { kind: "portcullis:rate-synced", id: m.id, tats: add(m.entries, m.now) };
      if (w.isConnected()) w.send(reply);
      return true;
    },
  };
}

/**
 * In a worker: the limiter's shared store is the primary. IPC is ordered and reliable, so a sync the primary answers
 * late is still added: past TIMEOUT_MS the sync fails as SyncUnanswered (not sent again), and the late answer is
 * dropped (the next sync brings the bucket times back).
 */
export function bucketsViaPrimary(
  channel?: PrimaryChannel,
  { timeoutMs = TIMEOUT_MS }: { timeoutMs?: number } = {},
): SharedBuckets {
  const primary = primaryRequests<Synced>(
    "portcullis:rate-synced",
    { timeoutMs, timeout: () => new SyncUnanswered(`the primary process did not answer within ${timeoutMs} ms`) },
    channel,
  );
  return {
    async add(entries, now) {
      const answer = await primary.ask((id): Sync => ({
        kind: "portcullis:rate-sync",
        id,
        now,
        entries: entries.map(({ key, addMs }) => ({ key, addMs })),
      }));
      return new Map(answer.tats);
    },
  };
}
