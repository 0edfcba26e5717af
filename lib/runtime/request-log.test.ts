import { describe, expect, it, vi } from "vitest";
import { formatRequestId, nextRequestSeq, parseRequestId } from "../http/request-id";
import {
  closeRecord,
  connectionKey,
  createRequestLog,
  failureReason,
  noteUpstreamStatus,
  openRecord,
  type RequestLogRecord,
} from "./request-log";

const record = (over: Partial<RequestLogRecord> = {}): RequestLogRecord => ({
  seq: nextRequestSeq(),
  atMs: Date.now(),
  server: "s",
  method: "POST",
  path: "/servers/s/mcp",
  status: 200,
  outcome: "accepted",
  ...over,
});

describe("request log", () => {
  it("keeps the newest entries up to its capacity, newest first, and forgets evicted ids", () => {
    const log = createRequestLog(3);
    const recs = Array.from({ length: 5 }, () => record());
    for (const r of recs) log.push(r);
    const ids = recs.map((r) => formatRequestId(r.seq));
    expect(log.list().map((e) => e.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(log.get(ids[1])).toBeUndefined();
    expect(log.get(ids[3])?.id).toBe(ids[3]);
  });

  it("gives back what was recorded, with an ISO time and only the fields that were set", () => {
    const log = createRequestLog(4);
    const diagnosis = { verdict: "reject", checks: [{ code: "aud_mismatch" }] };
    const r = record({
      atMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      status: 401,
      outcome: "rejected",
      code: "aud_mismatch",
      reason: "aud is the client id",
      subject: "alice",
      client: "c1",
      fingerprint: "fp",
      durationMs: 1.25,
      diagnosis,
    });
    log.push(r);
    expect(log.get(formatRequestId(r.seq))).toEqual({
      id: formatRequestId(r.seq),
      at: "2026-01-02T03:04:05.000Z",
      server: "s",
      method: "POST",
      path: "/servers/s/mcp",
      status: 401,
      outcome: "rejected",
      code: "aud_mismatch",
      reason: "aud is the client id",
      subject: "alice",
      client: "c1",
      fingerprint: "fp",
      durationMs: 1.25,
      diagnosis,
    });
    const plain = record();
    log.push(plain);
    expect(Object.keys(log.get(formatRequestId(plain.seq))!).sort()).toEqual([
      "at",
      "id",
      "method",
      "outcome",
      "path",
      "server",
      "status",
    ]);
  });

  it("answers undefined for ids it never issued", () => {
    const log = createRequestLog(2);
    log.push(record());
    for (const id of [
      "",
      "r1",
      "deadbeef-1",
      `${formatRequestId(1).split("-")[0]}-zzzzzzzzzzz`,
      `${formatRequestId(1)}x!`,
    ])
      expect(log.get(id)).toBeUndefined();
    expect(parseRequestId(formatRequestId(nextRequestSeq() + 1000))).toBeUndefined(); // not issued yet
  });

  it("filters by server and outcome and counts rejections per server within the window", () => {
    const log = createRequestLog(10);
    log.push(record({ atMs: Date.now() - 2 * 3600_000, outcome: "rejected", code: "old" }));
    log.push(record());
    const r2 = record({ outcome: "rejected", code: "aud_mismatch" });
    log.push(r2);
    log.push(record({ server: "other", outcome: "rejected" }));
    expect(log.list({ outcome: "rejected", server: "s" }).map((e) => e.code)).toEqual(["aud_mismatch", "old"]);
    expect(log.list({ limit: 2 })).toHaveLength(2);
    expect(log.stats("s")).toMatchObject({
      requests: 2,
      rejections: 1,
      lastRejection: { id: formatRequestId(r2.seq), code: "aud_mismatch" },
    });
  });

  it("counts 5xx answers as failures: the upstream's own, and the gateway's 502 with its cause", () => {
    const log = createRequestLog(10);
    const own = record({ status: 502 });
    noteUpstreamStatus(own);
    log.push(own);
    const refused = new Error("connect ECONNREFUSED 127.0.0.1:9");
    const gw = record({
      status: 502,
      outcome: "error",
      code: "upstream_unavailable",
      reason: failureReason(new Error("The upstream MCP server is unavailable", { cause: refused })),
    });
    log.push(gw);
    log.push(record({ status: 404 }));
    expect(log.stats("s")).toMatchObject({
      requests: 3,
      rejections: 0,
      failures: 2,
      lastFailure: {
        id: formatRequestId(gw.seq),
        reason: "The upstream MCP server is unavailable: connect ECONNREFUSED 127.0.0.1:9",
      },
    });
    expect(log.get(formatRequestId(own.seq))).toMatchObject({
      outcome: "accepted",
      code: "upstream_status",
      reason: "the upstream answered HTTP 502",
    });
  });

  it("pushes to subscribers and survives a throwing one", () => {
    const log = createRequestLog(2);
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error("broken");
    });
    const off = log.subscribe((e) => seen.push(e.id));
    const r1 = record();
    log.push(r1);
    off();
    log.push(record());
    expect(seen).toEqual([formatRequestId(r1.seq)]);
  });
});

describe("request log across worker processes", () => {
  it("lists and finds entries forwarded by workers under their own ids, beside this process's", async () => {
    const { createForwardingRequestLog, isForwardedRequests, receiveForwarded } = await import("./request-log-forward");
    const primary = createRequestLog(10);
    const sent: unknown[] = [];
    const worker = createForwardingRequestLog((b) => void sent.push(JSON.parse(JSON.stringify(b))), { maxBatch: 2 });
    worker.push(record({ seq: 1, durationMs: 2.5 }));
    expect(sent).toHaveLength(0); // batched
    worker.push(record({ seq: 2, outcome: "rejected", code: "aud_mismatch" }));
    worker.push(record({ seq: 3 }));
    await worker.flush();
    expect(sent).toHaveLength(2);
    expect(worker.list()).toEqual([]);
    const local = record();
    primary.push(local);
    for (const b of sent) {
      expect(isForwardedRequests(b)).toBe(true);
      if (isForwardedRequests(b)) receiveForwarded(primary, { ...b, tag: "0badcafe" });
    }
    expect(primary.list().map((e) => e.id)).toEqual([
      "0badcafe-3",
      "0badcafe-2",
      "0badcafe-1",
      formatRequestId(local.seq),
    ]);
    expect(primary.get("0badcafe-2")).toMatchObject({ outcome: "rejected", code: "aud_mismatch" });
    expect(primary.get("0badcafe-1")).toMatchObject({ durationMs: 2.5 });
    expect(primary.get("0badcafe-9")).toBeUndefined();
    expect(primary.get("abadcafe-2")).toBeUndefined();
    expect(primary.get(formatRequestId(local.seq))?.id).toBe(formatRequestId(local.seq));
    expect(isForwardedRequests({ kind: "other" })).toBe(false);
  });
});

describe("the self-test's mark across worker processes", () => {
  const closed = async (log: Parameters<typeof closeRecord>[0], socket: Parameters<typeof closeRecord>[4]) => {
    const r = openRecord(nextRequestSeq(), "s", "POST", "/servers/s/mcp");
    r.outcome = "unauthenticated";
    closeRecord(log, r, 401, performance.now(), socket);
    return r;
  };

  it("a worker notes the client end of same-host connections only; the primary marks its own", async () => {
    const { createForwardingRequestLog, LingeringSet, receiveForwarded } = await import("./request-log-forward");
    const sent: unknown[] = [];
    const worker = createForwardingRequestLog((b) => void sent.push(JSON.parse(JSON.stringify(b))));
    const self = { remoteAddress: "127.0.0.1", remotePort: 40001, localAddress: "127.0.0.1" };
    const sameHostOther = { remoteAddress: "127.0.0.1", remotePort: 40002, localAddress: "127.0.0.1" };
    const remote = { remoteAddress: "192.0.2.7", remotePort: 40001, localAddress: "10.0.0.1" };
    expect((await closed(worker, self)).peer).toBe("127.0.0.1:40001");
    await closed(worker, sameHostOther);
    expect((await closed(worker, remote)).peer).toBeUndefined();
    await worker.flush();

    vi.useFakeTimers();
    try {
      const selfConnections = new LingeringSet();
      const primary = createRequestLog(10, { selfConnections });
      selfConnections.add(connectionKey("127.0.0.1", 40001));
      selfConnections.delete(connectionKey("127.0.0.1", 40001)); // closed before the batch arrived
      for (const b of sent) receiveForwarded(primary, b as Parameters<typeof receiveForwarded>[1]);
      expect(primary.list().map((e) => e.selftest ?? false)).toEqual([false, false, true]);
      vi.advanceTimersByTime(10_001);
      expect(selfConnections.has(connectionKey("127.0.0.1", 40001))).toBe(false);

      // The port reused by the next self-test connection while the last one lingers: the new one stays
      // known until it closes, and lingers from then.
      const key = connectionKey("127.0.0.1", 40005);
      selfConnections.add(key);
      selfConnections.delete(key);
      vi.advanceTimersByTime(5_000);
      selfConnections.add(key);
      vi.advanceTimersByTime(60_000);
      expect(selfConnections.has(key)).toBe(true);
      selfConnections.delete(key);
      selfConnections.delete(key); // a second close does not restart the wait
      vi.advanceTimersByTime(9_000);
      expect(selfConnections.has(key)).toBe(true);
      vi.advanceTimersByTime(1_001);
      expect(selfConnections.has(key)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a single process marks its self-test's requests as they close, without noting ends", async () => {
    const log = createRequestLog(10);
    log.selfConnections.add("127.0.0.1:40001");
    const r = await closed(log, { remoteAddress: "127.0.0.1", remotePort: 40001, localAddress: "127.0.0.1" });
    expect(r).toMatchObject({ selftest: true, peer: undefined });
    const other = await closed(log, { remoteAddress: "127.0.0.1", remotePort: 40003, localAddress: "127.0.0.1" });
    expect(other).toMatchObject({ selftest: false, peer: undefined });
  });
});
