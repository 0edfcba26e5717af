import { describe, expect, it } from "vitest";
import { createRequestLog, type RequestLogEntry } from "./request-log";

const entry = (i: number, over: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  id: `r${i}`,
  at: new Date().toISOString(),
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
    for (let i = 1; i <= 5; i++) log.push(entry(i));
    expect(log.list().map((e) => e.id)).toEqual(["r5", "r4", "r3"]);
    expect(log.get("r2")).toBeUndefined();
    expect(log.get("r4")?.id).toBe("r4");
  });

  it("filters by server and outcome and counts rejections per server", () => {
    const log = createRequestLog(10);
    log.push(entry(1));
    log.push(entry(2, { outcome: "rejected", code: "aud_mismatch" }));
    log.push(entry(3, { server: "other", outcome: "rejected" }));
    expect(log.list({ outcome: "rejected", server: "s" }).map((e) => e.id)).toEqual(["r2"]);
    expect(log.stats("s")).toMatchObject({ requests: 2, rejections: 1, lastRejection: { code: "aud_mismatch" } });
  });

  it("pushes to subscribers and survives a throwing one", () => {
    const log = createRequestLog(2);
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error("broken");
    });
    const off = log.subscribe((e) => seen.push(e.id));
    log.push(entry(1));
    off();
    log.push(entry(2));
    expect(seen).toEqual(["r1"]);
  });
});
