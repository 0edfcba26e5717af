import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionTracker } from "./drain";
import { connectionRefused } from "../../test/support/http-client";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  const tracker = new ConnectionTracker();
  tracker.track(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => server.closeAllConnections());
  return { server, tracker, port: (server.address() as AddressInfo).port };
}

/** A GET on its own connection; resolves with status, body and the Connection header once the body ends. */
function get(port: number, path: string) {
  return new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("ConnectionTracker.drain", () => {
  it("closes idle connections, refuses new ones and lets an in-flight request finish", async () => {
    const { tracker, port } = await serve((req, res) => {
      const delay = req.url === "/slow" ? 300 : 0;
      setTimeout(() => res.end(`done ${req.url}`), delay);
    });
    // An idle keep-alive connection: one request answered, socket left open.
    const idle = connect(port, "127.0.0.1");
    const idleClosed = new Promise<void>((r) => idle.once("close", () => r()));
    idle.write("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((r) => idle.once("data", r));

    const slow = get(port, "/slow");
    await new Promise((r) => setTimeout(r, 50));
    expect(tracker.open).toBe(2);
    const drained = tracker.drain(5_000);
    await idleClosed; // closed at once
    expect(await connectionRefused(port)).toBe(true);
    expect(await slow).toMatchObject({ status: 200, body: "done /slow", connection: "close" });
    const r = await drained;
    expect(r).toMatchObject({ inFlight: 1, cut: 0 });
    expect(r.durationMs).toBeLessThan(1_000);
    expect(tracker.open).toBe(0);
    expect(tracker.drain(5_000)).toBe(drained);
  });

  it("ends a stream that finishes before the deadline, and cuts one that does not", async () => {
    const { tracker, port } = await serve((req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: 1\n\n");
      if (req.url === "/short") setTimeout(() => res.end("data: 2\n\n"), 200);
    });
    const short = get(port, "/short");
    const endless = get(port, "/endless").catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const r = await tracker.drain(600);
    expect(r).toMatchObject({ inFlight: 2, cut: 1 });
    expect(r.durationMs).toBeGreaterThanOrEqual(550);
    expect((await short).body).toBe("data: 1\n\ndata: 2\n\n");
    expect(await endless).toBeInstanceOf(Error); // aborted mid-body
  });
});

describe("ConnectionTracker.drain with a delay", () => {
  it("keeps accepting during the delay, closing each connection after its response, then stops", async () => {
    const { tracker, port } = await serve((_req, res) => res.end("ok"));
    const drained = tracker.drain(5_000, 300);
    await new Promise((r) => setTimeout(r, 100));
    expect(await get(port, "/during-delay")).toMatchObject({ status: 200, connection: "close" });
    const r = await drained;
    expect(await connectionRefused(port)).toBe(true);
    expect(r).toMatchObject({ inFlight: 0, cut: 0 });
  });
});
