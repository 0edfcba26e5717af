// The runtime's close path: every timer the gateway's own code started is gone afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { parseEnv } from "../config/env";
import { createLogger } from "../log";
import { createOAuthFacadeHandler } from "../oauth/handler";
import { createRuntime } from "./create-runtime";

const dir = mkdtempSync(join(tmpdir(), "portcullis-runtime-close-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Timers started from lib/ (not from dependencies), and whether each was cleared or has fired. */
function trackOwnTimers() {
  const open = new Map<unknown, string>();
  const real = { setTimeout, setInterval, clearTimeout, clearInterval };
  const own = () => {
    // This helper, the mock, the spy, then the caller.
    const frame = (new Error().stack ?? "").split("\n")[4] ?? "";
    return frame.includes("/lib/") && !frame.includes("node_modules") ? frame.trim() : undefined;
  };
  vi.spyOn(globalThis, "setInterval").mockImplementation(((fn: () => void, ms?: number) => {
    const h = real.setInterval(fn, ms);
    const where = own();
    if (where) open.set(h, `interval ${ms} ms ${where}`);
    return h;
  }) as typeof setInterval);
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
    const h = real.setTimeout(() => {
      open.delete(h);
      fn();
    }, ms);
    const where = own();
    if (where) open.set(h, `timeout ${ms} ms ${where}`);
    return h;
  }) as typeof setTimeout);
  const clear = (h: unknown) => void open.delete(h);
  vi.spyOn(globalThis, "clearInterval").mockImplementation(((h: NodeJS.Timeout) => {
    clear(h);
    real.clearInterval(h);
  }) as typeof clearInterval);
  vi.spyOn(globalThis, "clearTimeout").mockImplementation(((h: NodeJS.Timeout) => {
    clear(h);
    real.clearTimeout(h);
  }) as typeof clearTimeout);
  return { open: () => [...open.values()], started: () => open.size };
}

it("clears every interval and timer of the runtime, its client sweep included, on close", async () => {
  const timers = trackOwnTimers();
  const env = parseEnv({ DATABASE_URL: `file:${join(dir, "gw.db")}`, LOG_LEVEL: "silent" });
  const runtime = await createRuntime(env, { logger: createLogger("silent"), announce: () => {} });
  // Two listeners (ADMIN_PORT) build two facades; neither starts a timer of its own.
  createOAuthFacadeHandler(runtime);
  createOAuthFacadeHandler(runtime);
  const started = timers.open();
  expect(started.filter((t) => t.includes("handler.ts"))).toHaveLength(0);
  expect(runtime.background.pending()).toBe(6); // four hourly sweeps, first retention, one client expiry
  expect(started.length).toBeGreaterThanOrEqual(9); // …and the config poll, audit flush, rate-limit sync
  await runtime.close();
  expect(timers.open()).toEqual([]);
  vi.restoreAllMocks();
});

it("leaves every clean-up, the client sweep included, to the primary when housekeeping is off", async () => {
  const env = parseEnv({ DATABASE_URL: `file:${join(dir, "gw.db")}`, LOG_LEVEL: "silent" });
  const runtime = await createRuntime(env, { logger: createLogger("silent"), announce: () => {}, housekeeping: false });
  expect(runtime.background.pending()).toBe(0);
  await runtime.close();
});
