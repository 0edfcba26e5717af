// Fault: an upstream MCP server is killed (SIGKILL) while the gateway relays its SSE streams. Its own
// streams end at once (no client left hanging), every other upstream's streams run to the end, requests
// to the dead upstream get a fast 502, and the gateway stays up and ready.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cleanup } from "./support/cleanup";
import { REPO_ROOT, startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";

autoCleanup();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The SSE upstream fixture in a child process: its port, and a way to kill it. */
async function startUpstreamProcess(count: number, intervalMs: number) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/support/fixtures/sse-upstream.ts", String(count), String(intervalMs)],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  const forget = cleanup.killOnExit(child.pid!, "sse upstream");
  cleanup.add("sse upstream process", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    forget();
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`upstream exited (${code}) before listening`)));
  });
  return { port, kill: () => child.kill("SIGKILL") };
}

type StreamResult = { events: number; ended: "complete" | "error"; endedAt: number };

/** Reads an SSE stream through the gateway, counting events, until it ends or fails. */
async function readStream(gw: Gateway, server: string): Promise<StreamResult> {
  const r = await fetch(`${gw.url}/servers/${server}/mcp`, { headers: { accept: "text/event-stream" } });
  expect(r.status).toBe(200);
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { events: (text.match(/^data: /gm) ?? []).length, ended: "complete", endedAt: performance.now() };
  } catch {
    return { events: (text.match(/^data: /gm) ?? []).length, ended: "error", endedAt: performance.now() };
  }
}

describe("fault: an upstream is killed mid-stream", () => {
  it("ends only that upstream's streams, at once; the others complete; later requests get a fast 502", async () => {
    const [doomed, healthy] = await Promise.all([startUpstreamProcess(100, 50), startUpstreamProcess(60, 50)]);
    const gw = await startGateway({
      config: `
servers:
  - name: doomed
    upstream: http://127.0.0.1:${doomed.port}/sse
    auth: none
  - name: healthy
    upstream: http://127.0.0.1:${healthy.port}/sse
    auth: none
`,
    });
    const doomedStreams = Array.from({ length: 3 }, () => readStream(gw, "doomed"));
    const healthyStreams = Array.from({ length: 3 }, () => readStream(gw, "healthy"));
    await sleep(1_000);
    const killedAt = performance.now();
    doomed.kill();

    const dead = await Promise.all(doomedStreams);
    for (const s of dead) {
      expect(s.events).toBeGreaterThan(5);
      expect(s.events).toBeLessThan(100);
      expect(s.ended).toBe("error"); // cut, not a clean end the client could mistake for a finished stream
      expect(s.endedAt - killedAt).toBeLessThan(1_000);
    }
    const t0 = performance.now();
    const after = await gw.fetch("/servers/doomed/mcp", { headers: { accept: "text/event-stream" } });
    const afterMs = performance.now() - t0;
    expect(after.status).toBe(502);
    expect(await after.json()).toMatchObject({ error: "upstream_unavailable" });
    expect(afterMs).toBeLessThan(1_000);

    const alive = await Promise.all(healthyStreams);
    for (const s of alive) expect(s).toMatchObject({ events: 60, ended: "complete" });
    expect((await gw.fetch("/readyz")).status).toBe(200);
    expect(gw.exited()).toBeUndefined();
    console.log(
      `[fault-upstream] killed upstream's 3 streams ended ${dead.map((s) => Math.round(s.endedAt - killedAt)).join("/")} ms after the kill; ` +
        `the other upstream's 3 streams delivered all 60 events; next request to the dead upstream: 502 in ${Math.round(afterMs)} ms`,
    );
  });
});
