// PORTCULLIS_WORKERS=2 (node:cluster), production bundle with the console on one port: both workers
// serve (told apart by the pid in their access-log lines), the console's live request log covers both,
// a config change made in the console reaches both at once (the database poll is set to a minute), and
// SIGTERM drains both without dropping an in-flight request. Then the same with ADMIN_PORT. The
// periodic clean-ups run once per replica, in the primary, and MCP rate limits on SQLite are shared
// between the workers through the primary.
import { describe, expect, it } from "vitest";
import { freePort } from "./support/cleanup";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { connectionRefused, send, waitForExit } from "./support/http-client";
import { startDelayedUpstream, startMinimalJsonRpcUpstream, startSseUpstream } from "./support/mcp-server";
import { startIdp } from "./support/idp";
import { facadeConfig } from "./oauth-helpers";
import { servedBy, untilBothServe } from "./support/workers";

autoCleanup();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const api = (gw: Gateway, path: string, init: RequestInit = {}) => gw.api(path, init);

describe("PORTCULLIS_WORKERS", () => {
  it("two workers serve, share the live log and config changes, and drain on SIGTERM", async () => {
    const [upstream, sse] = await Promise.all([
      startDelayedUpstream(),
      startSseUpstream({ count: 15, intervalMs: 100 }),
    ]);
    const gw = await startGateway({
      built: true,
      env: {
        PORTCULLIS_WORKERS: "2",
        PORTCULLIS_NO_CONSOLE: "0",
        PORTCULLIS_CONFIG_POLL_MS: "60000",
        PORTCULLIS_DRAIN_TIMEOUT_MS: "10000",
        LOG_LEVEL: "info",
      },
      config: `
servers:
  - name: tools
    upstream: ${upstream.url}
    auth: none
  - name: events
    upstream: ${sse.url}
    auth: none
`,
    });

    // Both workers serve the public port; neither is the primary.
    const results = await Promise.all(Array.from({ length: 30 }, () => send(`${gw.url}/servers/tools/mcp`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await untilBothServe(gw, "/servers/tools/mcp", () => send(`${gw.url}/servers/tools/mcp`), { timeoutMs: 10_000 });
    const workers = [...servedBy(gw, "/servers/tools/mcp")];
    expect(workers).toHaveLength(2);
    expect(workers).not.toContain(gw.pid);

    // The console (in the primary) lists the requests of both workers, and finds each by id.
    // Workers forward log entries in batches every 100 ms.
    const liveLog = async () =>
      (await (await api(gw, "/api/requests?server=tools&limit=200")).json()) as { id: string }[];
    await expect.poll(async () => (await liveLog()).length).toBeGreaterThanOrEqual(30);
    const listed = await liveLog();
    expect(listed.length).toBeGreaterThanOrEqual(30);
    const tags = [...new Set(listed.map((e) => e.id.split("-")[0]))];
    expect(tags).toHaveLength(2);
    for (const tag of tags) {
      const id = listed.find((e) => e.id.startsWith(`${tag}-`))!.id;
      expect(await (await api(gw, `/api/requests/${id}`)).json()).toMatchObject({ id, server: "tools", status: 200 });
    }

    // A server added in the console is served by both workers at once (their own polls are a minute apart).
    const created = await api(gw, "/api/servers", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "added", upstream: upstream.url, auth: "none" }),
    });
    expect(created.status).toBe(201);
    const { ms: propagatedMs } = await untilBothServe(
      gw,
      "/servers/added/mcp",
      () => send(`${gw.url}/servers/added/mcp`),
      {
        timeoutMs: 5_000,
      },
    );
    expect(propagatedMs).toBeLessThan(3_000);

    // The console's live log (an SSE stream, forwarded to the primary) shows the workers' requests as they come.
    const live = new AbortController();
    const stream = await api(gw, "/api/requests/stream?server=tools", { signal: live.signal });
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    let seen = "";
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(seen)) seen += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil(/event: snapshot/);
    await Promise.all(Array.from({ length: 6 }, () => send(`${gw.url}/servers/tools/mcp`)));
    await readUntil(/event: entry[\s\S]*event: entry/);
    live.abort(); // the forwarded stream to the primary ends with it (checked at the drain below)

    // SIGTERM to the primary under in-flight work on both workers.
    const slow = Array.from({ length: 8 }, () => send(`${gw.url}/servers/tools/mcp?delay=1500`));
    const streams = Array.from({ length: 4 }, () =>
      send(`${gw.url}/servers/events/mcp`, { accept: "text/event-stream" }),
    );
    await sleep(300);
    process.kill(gw.pid, "SIGTERM");
    await sleep(150);
    expect(await connectionRefused(gw.port)).toBe(true);
    const exit = await waitForExit(gw, 20_000);
    expect(exit).toEqual({ code: 0, signal: null });
    for (const r of await Promise.all(slow))
      expect(r).toMatchObject({ status: 200, body: expect.stringContaining('"delayed":1500') });
    for (const s of await Promise.all(streams)) {
      expect(s.error).toBeUndefined();
      expect((s.body.match(/^data: /gm) ?? []).length).toBe(15);
    }
    // The primary had nothing left in flight: the aborted live-log stream was not left open behind the worker.
    expect(gw.logLines().find((l) => l.msg === "drained" && l.worker === undefined)).toMatchObject({ inFlight: 0 });
    const drained = gw.logLines().filter((l) => l.msg === "drained" && l.worker !== undefined);
    expect(drained.map((l) => l.pid).sort()).toEqual([...workers].sort());
    for (const d of drained) {
      expect(d.cut).toBe(0);
      expect(Number(d.inFlight)).toBeGreaterThanOrEqual(1);
    }
    console.log(
      `[workers] 2 workers (pids ${workers.join(", ")}); config change served by both after ${Math.round(propagatedMs)} ms; ` +
        `drain: ${drained.map((d) => `worker ${d.worker} ${d.inFlight} in flight, ${d.cut} cut`).join("; ")}; exit 0`,
    );
  });

  it("with ADMIN_PORT: workers serve only the gateway, the primary the console; a dead worker is replaced", async () => {
    const [upstream, adminPort] = await Promise.all([startDelayedUpstream(), freePort()]);
    const gw = await startGateway({
      built: true,
      env: { PORTCULLIS_WORKERS: "2", PORTCULLIS_NO_CONSOLE: "0", ADMIN_PORT: String(adminPort), LOG_LEVEL: "info" },
      config: `
servers:
  - name: tools
    upstream: ${upstream.url}
    auth: none
`,
    });
    await untilBothServe(gw, "/servers/tools/mcp", () => send(`${gw.url}/servers/tools/mcp`), { timeoutMs: 10_000 });
    expect((await send(`${gw.url}/`)).status).toBe(404);
    expect((await send(`${gw.url}/api/status`)).status).toBe(404);
    const status = await fetch(`http://127.0.0.1:${adminPort}/api/status`, {
      headers: { authorization: `Bearer ${gw.adminToken}` },
    });
    expect(status.status).toBe(200);
    const workerTags = async () =>
      new Set(
        (
          (await (
            await fetch(`http://127.0.0.1:${adminPort}/api/requests?server=tools`, {
              headers: { authorization: `Bearer ${gw.adminToken}` },
            })
          ).json()) as { id: string }[]
        ).map((e) => e.id.split("-")[0]),
      ).size;
    await expect.poll(workerTags).toBe(2);
    expect(await workerTags()).toBe(2);

    // A worker that dies is replaced; the other keeps serving meanwhile.
    const before = servedBy(gw, "/servers/tools/mcp");
    process.kill([...before][0], "SIGKILL");
    await gw.waitForLog("worker exited unexpectedly");
    const t0 = performance.now();
    while (![...servedBy(gw, "/servers/tools/mcp")].some((pid) => !before.has(pid))) {
      expect((await send(`${gw.url}/servers/tools/mcp`)).status).toBe(200);
      if (performance.now() - t0 > 20_000) throw new Error("no replacement worker served");
      await sleep(20);
    }
  });
});

describe("PORTCULLIS_WORKERS: what a replica does once, or shares between its workers", () => {
  it("the primary alone sweeps expired facade clients", async () => {
    const [upstream, idp] = await Promise.all([startDelayedUpstream(), startIdp({ shape: "standard" })]);
    const config = JSON.parse(
      facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer }, { upstream: upstream.url }),
    );
    config.providers[0].clientRegistrations = { expireUnusedAfter: "2s", expireIdleAfter: "1h" };
    const gw = await startGateway({
      built: true,
      config: JSON.stringify(config),
      env: { PORTCULLIS_WORKERS: "2", PORTCULLIS_CLIENT_SWEEP_SECONDS: "1", LOG_LEVEL: "debug" },
    });
    const registered = await gw.fetch("/oauth/std/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:42000/callback"], token_endpoint_auth_method: "none" }),
    });
    expect(registered.status).toBe(201);
    await gw.waitForLog("expired facade clients swept", 15_000);
    await sleep(2500); // more sweeps by every process that runs them
    const sweeps = gw.logLines().filter((l) => l.msg === "expired facade clients swept");
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]).toMatchObject({ provider: "std", expired: 1, failed: 0 });
    expect(sweeps[0].worker).toBeUndefined(); // the primary's line
    expect(gw.logLines().filter((l) => l.msg === "expired facade clients could not be swept")).toEqual([]);
    // Every sweep ran in the primary: the workers, which found nothing left to log, ran none either.
    const runs = gw.logLines().filter((l) => l.event === "background_task_ran" && l.task === "client-expiry");
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.filter((l) => l.worker !== undefined)).toEqual([]);
  });

  it("on SQLite, MCP rate limits hold across workers (the primary keeps the buckets); both audit once", async () => {
    const capacity = 5;
    const upstream = await startMinimalJsonRpcUpstream();
    const gw = await startGateway({
      built: true,
      env: {
        PORTCULLIS_WORKERS: "2",
        PORTCULLIS_RATE_LIMIT_SYNC_MS: "100",
        PORTCULLIS_NO_CONSOLE: "0",
        LOG_LEVEL: "info",
      },
      config: `
servers:
  - name: limited
    upstream: ${upstream.url}
    auth: none
    rateLimits: { perCaller: { capacity: ${capacity}, refillPerSecond: 0.01 } }
    audit: {}
`,
    });
    // One caller (per peer address: no token) on fresh connections, which the workers take in turn;
    // spaced well beyond the sync interval, so each worker has the other's count before the next.
    const statuses: (number | undefined)[] = [];
    for (let i = 0; i < 2 * capacity + 2; i++) {
      statuses.push((await send(`${gw.url}/servers/limited/mcp`)).status);
      await sleep(400);
    }
    expect(servedBy(gw, "/servers/limited/mcp").size).toBe(2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(capacity);
    expect(statuses.slice(capacity).every((s) => s === 429)).toBe(true);

    // Each worker's audit queue writes its own operations to the one database: every request once.
    type Audited = { entries: { decision: string }[] };
    let audited: Audited["entries"] = [];
    for (const t0 = performance.now(); audited.length < statuses.length && performance.now() - t0 < 10_000;) {
      audited = ((await (await api(gw, "/api/audit?server=limited&limit=100")).json()) as Audited).entries;
      await sleep(200);
    }
    const decisions = audited.map((e) => e.decision);
    expect(decisions.filter((d) => d === "allow")).toHaveLength(capacity);
    expect(decisions.filter((d) => d === "rate_limited")).toHaveLength(statuses.length - capacity);
  });
});
