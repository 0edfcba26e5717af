import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createBackground } from "./background";

const logger = () => ({ warn: vi.fn(), debug: vi.fn() });

describe("background tasks", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("leaves no timer behind once closed", () => {
    const bg = createBackground(logger());
    bg.every("sweep", 1000, () => undefined);
    bg.after("first-sweep", 60_000, () => undefined);
    expect(bg.pending()).toBe(2);
    expect(vi.getTimerCount()).toBe(2);
    bg.close();
    expect(bg.pending()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    bg.every("late", 1000, () => undefined); // after close: nothing is scheduled again
    expect(vi.getTimerCount()).toBe(0);
  });

  it("logs a failing task with a stable event, its name and the message only, and keeps running it", async () => {
    const log = logger();
    const bg = createBackground(log);
    const task = vi.fn().mockRejectedValue(Object.assign(new Error("connect ECONNREFUSED"), { stack: "secret" }));
    bg.every("session-sweep", 1000, task);
    await vi.advanceTimersByTimeAsync(2000);
    expect(task).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenCalledWith(
      { event: "background_task_failed", task: "session-sweep", err: "connect ECONNREFUSED" },
      "background task session-sweep failed",
    );
    bg.close();
  });

  it("notes each run that succeeded at debug level, with its name", async () => {
    const log = logger();
    const bg = createBackground(log);
    bg.every("client-expiry", 1000, async () => {});
    await vi.advanceTimersByTimeAsync(1000);
    expect(log.debug).toHaveBeenCalledWith(
      expect.objectContaining({ event: "background_task_ran", task: "client-expiry" }),
      "ran client-expiry",
    );
    expect(log.warn).not.toHaveBeenCalled();
    bg.close();
  });

  it("logs a task that throws synchronously", async () => {
    const log = logger();
    const bg = createBackground(log);
    bg.after("retention", 10, () => {
      throw new Error("boom");
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ task: "retention", err: "boom" }),
      expect.any(String),
    );
    expect(bg.pending()).toBe(0);
  });

  it("schedules a name once, and never runs a task twice at once", async () => {
    const bg = createBackground(logger());
    let release = () => {};
    const task = vi.fn(() => new Promise<void>((r) => (release = r)));
    bg.every("client-expiry", 1000, task);
    bg.every("client-expiry", 1000, task); // a second listener's facade: still one sweep
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(task).toHaveBeenCalledTimes(1); // the first run has not finished
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(task).toHaveBeenCalledTimes(2);
    bg.close();
  });
});
