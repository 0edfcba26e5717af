/**
 * The runtime's timed background work (sweeps, retention): each task runs on its own timer, never
 * twice at once (a task name is one task, periodic or delayed), logs every failure with `event: "background_task_failed"` and its name, and
 * `close()` clears every timer, so a closed runtime holds none.
 */
import type { Logger } from "../log";
import { errorMessage } from "../errors";

type Task = () => Promise<unknown> | unknown;

export type Background = {
  /** Runs `task` every `ms`. A name already scheduled is not scheduled again (one sweep per process). */
  every(name: string, ms: number, task: Task): void;
  /** Runs `task` once, `ms` from now. */
  after(name: string, ms: number, task: Task): void;
  /** Timers still scheduled. */
  pending(): number;
  close(): void;
};

export function createBackground(logger: Pick<Logger, "warn" | "debug">): Background {
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<string>();
  let closed = false;

  async function run(name: string, task: Task) {
    if (running.has(name)) return; // the previous run has not finished: don't pile up
    running.add(name);
    const t0 = performance.now();
    try {
      await task();
      logger.debug({ event: "background_task_ran", task: name, ms: Math.round(performance.now() - t0) }, `ran ${name}`);
    } catch (e) {
      // The message only: a driver's error object can carry connection strings.
      logger.warn(
        { event: "background_task_failed", task: name, err: errorMessage(e) },
        `background task ${name} failed`,
      );
    } finally {
      running.delete(name);
    }
  }

  return {
    every(name, ms, task) {
      const key = `every:${name}`;
      if (closed || timers.has(key)) return;
      timers.set(key, setInterval(() => void run(name, task), ms).unref());
    },
    after(name, ms, task) {
      const key = `after:${name}`;
      if (closed || timers.has(key)) return;
      const timer = setTimeout(() => {
        timers.delete(key);
        void run(name, task);
      }, ms).unref();
      timers.set(key, timer);
    },
    pending: () => timers.size,
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
