import { describe, expect, it, vi } from "vitest";
import pino from "pino";
import type { ConfigSnapshot } from "../config/model";
import { createConfigCache, type ConfigSource } from "./config-cache";

const snap = (version: number) => ({ version, servers: new Map(), providers: new Map() }) as unknown as ConfigSnapshot;

function source() {
  let version = 1;
  let mode: "up" | "down" | "hung" = "up";
  const s: ConfigSource & { calls: number } = {
    calls: 0,
    async version() {
      s.calls++;
      if (mode === "down")
        throw new Error(
          "Invalid `prisma.configState.findFirst()` invocation:\n\nCan't reach database server at 10.0.0.5:5432",
        );
      if (mode === "hung") return new Promise<number>(() => {});
      return version;
    },
    async loadSnapshot() {
      if (mode !== "up") throw new Error("down");
      return snap(version);
    },
  };
  return { s, set: (m: typeof mode) => (mode = m), bump: () => version++ };
}

function logger() {
  const lines: { msg: string; err?: string }[] = [];
  const log = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  return { log, lines };
}

const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe("config cache database health", () => {
  it("reports an outage and the recovery, logs each once, and keeps serving the last config", async () => {
    vi.useFakeTimers();
    try {
      const src = source();
      const { log, lines } = logger();
      const cache = await createConfigCache(src.s, { pollMs: 100, logger: log });
      await tick(100);
      expect(cache.database()).toMatchObject({ ok: true });
      src.set("down");
      await tick(100);
      const down = cache.database();
      expect(down).toMatchObject({ ok: false, error: "Can't reach database server at 10.0.0.5:5432" });
      await tick(1000);
      expect(cache.database().since).toBe(down.since);
      expect(cache.current().version).toBe(1);
      expect(lines.filter((l) => l.msg.startsWith("database unreachable"))).toHaveLength(1);

      src.set("up");
      src.bump();
      await tick(100);
      expect(cache.database()).toMatchObject({ ok: true });
      expect(cache.database().error).toBeUndefined();
      expect(cache.current().version).toBe(2);
      expect(lines.filter((l) => l.msg.startsWith("database reachable again"))).toHaveLength(1);
      cache.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("counts a check that never answers as failed, without piling up queries", async () => {
    vi.useFakeTimers();
    try {
      const src = source();
      const cache = await createConfigCache(src.s, { pollMs: 500, logger: logger().log });
      src.set("hung");
      await tick(500);
      const calls = src.s.calls;
      await tick(1000); // polls at 1000 and 1500 are skipped: the first check is still waiting
      expect(src.s.calls).toBe(calls);
      expect(cache.database().ok).toBe(true);
      await tick(1000); // 2 s after it started, the check is given up
      expect(cache.database()).toMatchObject({ ok: false, error: "no answer within 2000 ms" });
      cache.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
