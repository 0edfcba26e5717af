// Process-wide registry of things the harness started (servers, child processes, temp dirs).
// Every start*() helper registers its own stop function here, so a test file only needs
//   afterAll(() => cleanup.runAll())
// (or `autoCleanup()` from ./hooks) to guarantee nothing is left behind even when a test fails.
// Child process groups additionally get a synchronous SIGKILL on process exit as a last resort.
//
// No vitest import here: benchmarks and scripts (tsx) use the same helpers.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, type Server } from "node:net";

type Task = { name: string; fn: () => Promise<void> | void };

const tasks = new Set<Task>();
const exitKills = new Map<number, string>(); // pid (process group leader) -> label
const exitCommands = new Set<{ cmd: string; args: string[] }>();
const exitDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pid of exitKills.keys()) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    for (const c of exitCommands) {
      try {
        spawnSync(c.cmd, c.args, { stdio: "ignore", timeout: 10_000 });
      } catch {
        /* best effort */
      }
    }
    for (const d of exitDirs) {
      try {
        rmSync(d, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  });
}

export const cleanup = {
  /** Register an async stop function; returns an unregister function (call it after a manual stop). */
  add(name: string, fn: () => Promise<void> | void): () => void {
    const task: Task = { name, fn };
    tasks.add(task);
    return () => {
      tasks.delete(task);
    };
  },
  /** Last-resort SIGKILL of a process group on process exit (for children spawned detached). */
  killOnExit(pid: number, label: string): () => void {
    installExitHook();
    exitKills.set(pid, label);
    return () => {
      exitKills.delete(pid);
    };
  },
  /** Last-resort synchronous command on process exit (e.g. `pg_ctl stop -m immediate`). */
  runOnExit(cmd: string, args: string[]): () => void {
    installExitHook();
    const entry = { cmd, args };
    exitCommands.add(entry);
    return () => {
      exitCommands.delete(entry);
    };
  },
  /** Last-resort recursive removal of a temp dir on process exit. */
  removeOnExit(dir: string): () => void {
    installExitHook();
    exitDirs.add(dir);
    return () => {
      exitDirs.delete(dir);
    };
  },
  /** Run every registered stop function (most recent first, i.e. reverse start order); never throws. */
  async runAll(): Promise<void> {
    const list = [...tasks].reverse();
    tasks.clear();
    const errors: string[] = [];
    for (const t of list) {
      try {
        await t.fn();
      } catch (err) {
        errors.push(`${t.name}: ${(err as Error)?.message ?? err}`);
      }
    }
    if (errors.length)
      console.warn(`[harness cleanup] ${errors.length} stop function(s) failed:\n${errors.join("\n")}`);
  },
  /** Number of registered stop functions (handy to assert that a test left nothing behind). */
  get size(): number {
    return tasks.size;
  },
};

/**
 * `close` made idempotent and registered with the cleanup registry, so a test that forgets it still
 * closes at the end of the file; a second call returns the first call's promise.
 */
export function closeOnce(name: string, close: () => Promise<void> | void): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const unregister = cleanup.add(name, () => once());
  function once(): Promise<void> {
    if (!closing) {
      unregister();
      closing = Promise.resolve().then(close);
    }
    return closing;
  }
  return once;
}

/** A free TCP port on 127.0.0.1 (listen on 0, read the port, close). Small race window by nature. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = srv.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (!port) throw new Error("freePort: could not obtain a port");
  return port;
}

/** Listen on 127.0.0.1 (on a free port unless one is given) and return the bound port. */
export async function listenLoopback(server: Server | import("node:http").Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  if (!addr || typeof addr !== "object") throw new Error("server has no address");
  return addr.port;
}

/** Close an http server, dropping idle and active connections so close() cannot hang. */
export async function closeHttpServer(server: import("node:http").Server): Promise<void> {
  if (!server.listening) return;
  const done = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections?.();
  server.closeAllConnections?.();
  await done;
}
