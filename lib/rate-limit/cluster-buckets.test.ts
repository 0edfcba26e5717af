import type { Worker } from "node:cluster";
import { describe, expect, it } from "vitest";
import { primaryBuckets } from "./cluster-buckets";

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
});
