/**
 * The benchmarks' peer processes (bench/servers.ts: upstream, SSE upstream, SDK server, bare proxy, JWKS),
 * each on its own event loop. Every peer started is stopped by stopPeers().
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const peers: ChildProcess[] = [];

/** Starts `node --import tsx bench/servers.ts <kind> [arg]`; resolves with its port once it printed READY. */
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
    peers.push(p);
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
  for (const p of peers) p.kill("SIGTERM");
}
