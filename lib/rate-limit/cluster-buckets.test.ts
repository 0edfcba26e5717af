import type { Worker } from "node:cluster";
import { describe, expect, it } from "vitest";
import type { PrimaryChannel } from "../http/cluster-messages";
import { bucketsViaPrimary, primaryBuckets } from "./cluster-buckets";
import { createMcpRateLimiter } from "./limiter";

/** A worker that records what the primary sends it. */
const fakeWorker = () => {
  const sent: unknown[] = [];
  return { sent, worker: { isConnected: () => true, send: (m: unknown) => sent.push(m) } as unknown as Worker };
};

const sync = (id: number, now: number, entries: { key: string; addMs: number }[]) => ({
  kind: "portcullis:rate-sync",
  id,
  now,
  entries,
});

describe("the workers' shared rate-limit buckets, kept by the primary", () => {
  it("adds what each worker admitted to one bucket time, starting from now when the bucket is full", () => {
    const buckets = primaryBuckets();
    const a = fakeWorker();
    const b = fakeWorker();
    expect(buckets.answer(a.worker, sync(1, 1000, [{ key: "k", addMs: 200 }]))).toBe(true);
    expect(
      buckets.answer(
        b.worker,
        sync(1, 1100, [
          { key: "k", addMs: 300 },
          { key: "j", addMs: 50 },
        ]),
      ),
    ).toBe(true);
    expect(a.sent).toEqual([{ kind: "portcullis:rate-synced", id: 1, tats: [["k", 1200]] }]);
    expect(b.sent).toEqual([
      {
        kind: "portcullis:rate-synced",
        id: 1,
        tats: [
          ["k", 1500],
          ["j", 1150],
        ],
      },
    ]);
    // Long after: both buckets refilled, so a refresh (nothing admitted) answers now.
    buckets.answer(a.worker, sync(2, 9000, [{ key: "k", addMs: 0 }]));
    expect(a.sent[1]).toEqual({ kind: "portcullis:rate-synced", id: 2, tats: [["k", 9000]] });
  });

  it("ignores other messages", () => {
    const a = fakeWorker();
    expect(primaryBuckets().answer(a.worker, { kind: "portcullis:requests" })).toBe(false);
    expect(a.sent).toEqual([]);
  });

  it("adds a sync the primary answers late once: a timed-out sync is not sent again", async () => {
    const primary = primaryBuckets();
    const inbox: unknown[] = []; // the worker's messages the primary has not read yet
    let deliver: (m: unknown) => void = () => {};
    const replies: { tats: [string, number][] }[] = [];
    const worker = {
      isConnected: () => true,
      send: (m: { tats: [string, number][] }) => {
        replies.push(m);
        deliver(m);
      },
    } as unknown as Worker;
    let primaryUp = true;
    const channel: PrimaryChannel = {
      send: (m) => primaryUp && inbox.push(m) > 0,
      onMessage: (listener) => (deliver = listener),
    };
    const answerAll = () => inbox.splice(0).forEach((m) => primary.answer(worker, m));
    const t = 1_000_000;
    const limiter = createMcpRateLimiter({
      now: () => t,
      shared: bucketsViaPrimary(channel, { timeoutMs: 20 }),
      syncMs: 3_600_000,
    });
    const spec = { capacity: 100, refillPerSecond: 10 }; // 100 ms of bucket time per token
    for (let i = 0; i < 3; i++) expect(limiter.take("k", spec)).toBe(0);

    await limiter.sync(); // the primary is busy: no answer within 20 ms
    expect(limiter.stats()).toMatchObject({ syncs: 0, syncFailures: 1 });
    answerAll(); // it catches up, and adds the three tokens it was sent
    expect(replies.at(-1)!.tats).toEqual([["k", t + 300]]);

    expect(limiter.take("k", spec)).toBe(0);
    const next = limiter.sync();
    answerAll();
    await next;
    expect(replies.at(-1)!.tats).toEqual([["k", t + 400]]); // four tokens in all, not seven

    // A primary that is gone never got the sync: its tokens are sent again, once.
    primaryUp = false;
    expect(limiter.take("k", spec)).toBe(0);
    await limiter.sync();
    expect(limiter.stats().syncFailures).toBe(2);
    primaryUp = true;
    const again = limiter.sync();
    answerAll();
    await again;
    expect(replies.at(-1)!.tats).toEqual([["k", t + 500]]);
    await limiter.stop();
  });
});
