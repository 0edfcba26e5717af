/**
 * Benchmark peers (bench/servers.ts) in child processes, each on its own event loop like the gateway:
 * started with `startPeer`, all stopped by `stopPeers`. Shared by `npm run bench` and `npm run soak`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const children: ChildProcess[] = [];

export function startPeer(
  kind: string,
  arg?: string,
  nodeArgs: readonly string[] = [],
): Promise<{ port: number; pid: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [...nodeArgs, "--import", "tsx", join(ROOT, "bench/servers.ts"), kind, ...(arg ? [arg] : [])],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(p);
    let out = "";
    p.stdout!.on("data", (c: Buffer) => {
      out += c;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), pid: p.pid! });
    });
    p.once("exit", (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
}

export function stopPeers(): void {
  for (const c of children) c.kill("SIGTERM");
}
