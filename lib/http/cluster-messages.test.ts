import { describe, expect, it } from "vitest";
import { primaryRequests, type PrimaryChannel } from "./cluster-messages";

type Pong = { kind: "pong"; id: number; n: number };

/** A channel to a fake primary: `sent` holds what the worker sent, `answer` delivers a message to it. */
function fakeChannel(o: { up?: () => boolean; failLater?: boolean } = {}) {
  const sent: { id: number }[] = [];
  let listener: (m: unknown) => void = () => {};
  const channel: PrimaryChannel = {
    send(m, onError) {
      if (o.up && !o.up()) return false;
      sent.push(m as { id: number });
      if (o.failLater) queueMicrotask(() => onError(new Error("EPIPE")));
      return true;
    },
    onMessage: (l) => (listener = l),
  };
  return { channel, sent, answer: (m: unknown) => listener(m) };
}

const timeout = () => new Error("too slow");

describe("requests from a worker to its primary", () => {
  it("matches each answer to its request by id, and ignores other messages", async () => {
    const f = fakeChannel();
    const primary = primaryRequests<Pong>("pong", { timeoutMs: 1000, timeout }, f.channel);
    const a = primary.ask((id) => ({ kind: "ping", id }));
    const b = primary.ask((id) => ({ kind: "ping", id }));
    expect(f.sent.map((m) => m.id)).toEqual([0, 1]);
    f.answer({ kind: "other", id: 1 });
    f.answer({ kind: "pong", id: 1, n: 11 });
    f.answer({ kind: "pong", id: 0, n: 10 });
    expect(await a).toEqual({ kind: "pong", id: 0, n: 10 });
    expect(await b).toEqual({ kind: "pong", id: 1, n: 11 });
  });

  it("fails with the caller's error when no answer comes in time, and drops the late one", async () => {
    const f = fakeChannel();
    const primary = primaryRequests<Pong>("pong", { timeoutMs: 10, timeout }, f.channel);
    await expect(primary.ask((id) => ({ kind: "ping", id }))).rejects.toThrow("too slow");
    expect(() => f.answer({ kind: "pong", id: 0, n: 1 })).not.toThrow();
  });

  it("fails as not_ready when the primary is gone, at once or when the send fails", async () => {
    let up = false;
    const gone = fakeChannel({ up: () => up });
    const primary = primaryRequests<Pong>("pong", { timeoutMs: 1000, timeout }, gone.channel);
    await expect(primary.ask((id) => ({ kind: "ping", id }))).rejects.toMatchObject({ code: "not_ready" });
    up = true;
    const later = fakeChannel({ failLater: true });
    const p2 = primaryRequests<Pong>("pong", { timeoutMs: 1000, timeout }, later.channel);
    await expect(p2.ask((id) => ({ kind: "ping", id }))).rejects.toMatchObject({ code: "not_ready" });
  });
});
