// Slow clients and the connection cap (docs/security.md), replayed against the real gateway: a request
// whose headers or body trickle in is cut with 408 once PORTCULLIS_REQUEST_TIMEOUT_MS has passed, at the
// OAuth facade and on the MCP path alike; responses are never cut (an SSE stream and a streaming tool call
// run well past the timeout); at most PORTCULLIS_MAX_CONNECTIONS connections are open at once.
import net from "node:net";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanup } from "./support/cleanup";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startMcpServer, startSseUpstream, type McpTestServer, type SseUpstream } from "./support/mcp-server";
import { connectClient, LOCAL_ISSUER } from "./rs-support";

autoCleanup();

const TIMEOUT_MS = 2000;
let mcp: McpTestServer;
let sse: SseUpstream;
let gw: Gateway;

beforeAll(async () => {
  [mcp, sse] = await Promise.all([startMcpServer(), startSseUpstream()]);
  gw = await startGateway({
    env: { PORTCULLIS_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) },
    config: `
providers:
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: http://127.0.0.1:9/jwks
servers:
  - name: open
    upstream: ${mcp.url}
    auth: none
  - name: events
    upstream: ${sse.url}
    auth: none
  - name: guarded
    upstream: ${mcp.url}
    oauth: { provider: local }
`,
  });
});

type Trickled = { firstLine: string; closedAfterMs: number | undefined };

/**
 * Sends `head` at once, then one byte of `drip` every 250 ms, for up to `waitMs`: what a slow-loris client
 * does. Resolves with the first response line and when the gateway closed the connection (undefined: it
 * was still open when we gave up).
 */
function trickle(head: string, drip: string, waitMs = TIMEOUT_MS + 5000): Promise<Trickled> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = "";
    const socket = net.connect(gw.port, "127.0.0.1");
    const forget = cleanup.add("trickling socket", () => void socket.destroy());
    let i = 0;
    const timer = setInterval(() => socket.write(drip[i++ % drip.length]), 250);
    const done = (closedAfterMs: number | undefined) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      forget();
      socket.destroy();
      resolve({ firstLine: received.split("\r\n")[0], closedAfterMs });
    };
    const giveUp = setTimeout(() => done(undefined), waitMs);
    socket.on("data", (d) => (received += d.toString("latin1")));
    socket.on("close", () => done(Date.now() - started));
    socket.on("error", () => undefined);
    socket.write(head);
  });
}

const expectCutAfterTimeout = (r: Trickled) => {
  expect(r.closedAfterMs, "the gateway kept the trickling connection open").toBeDefined();
  expect(r.closedAfterMs!).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
  expect(r.closedAfterMs!).toBeLessThan(TIMEOUT_MS + 2500);
  expect(r.firstLine).toBe("HTTP/1.1 408 Request Timeout");
};

describe("a request that does not arrive in time is cut", () => {
  it("a body trickled to /oauth/<provider>/token", async () => {
    const r = await trickle(
      `POST /oauth/local/token HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4096\r\n\r\n`,
      "grant_type=authorization_code&",
    );
    expectCutAfterTimeout(r);
  });

  it("a chunked body trickled to an MCP POST (streamed to the upstream as it comes)", async () => {
    const r = await trickle(
      `POST /servers/open/mcp HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n`,
      '1\r\n{\r\n1\r\n"\r\n',
    );
    expectCutAfterTimeout(r);
  });

  it("request headers trickled one line at a time", async () => {
    const r = await trickle(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\n`, "X-Slow: 1\r\n");
    expectCutAfterTimeout(r);
  });
});

describe("responses are never cut, however long they stream", () => {
  it("an SSE stream runs well past the request timeout", async () => {
    const started = Date.now();
    const r = await fetch(`${gw.url}/servers/events/mcp?count=20&intervalMs=250`, {
      headers: { accept: "text/event-stream" },
    });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text.match(/^data: /gm)?.length).toBe(20);
    expect(Date.now() - started).toBeGreaterThan(TIMEOUT_MS * 2);
  });

  it("a streaming tool call (POST answered with SSE) runs well past the request timeout", async () => {
    const client = await connectClient(`${gw.url}/servers/open/mcp`);
    let notes = 0;
    client.setNotificationHandler(LoggingMessageNotificationSchema, () => void notes++);
    const started = Date.now();
    const r = await client.callTool({ name: "stream", arguments: { count: 10, intervalMs: 500 } }, undefined, {
      timeout: 30_000,
    });
    expect(r.structuredContent).toMatchObject({ count: 10 });
    expect(notes).toBe(10);
    expect(Date.now() - started).toBeGreaterThan(TIMEOUT_MS * 2);
  });

  it("an idle keep-alive connection is not a slow request: it still serves the next request", async () => {
    const socket = net.connect(gw.port, "127.0.0.1");
    cleanup.add("keep-alive socket", () => void socket.destroy());
    let received = "";
    socket.on("data", (d) => (received += d.toString("latin1")));
    const get = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\n\r\n`;
    await new Promise<void>((r) => socket.once("connect", () => r()));
    socket.write(get);
    await expect.poll(() => received.match(/HTTP\/1\.1 200/g)?.length ?? 0).toBe(1);
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 1000));
    socket.write(get);
    await expect.poll(() => received.match(/HTTP\/1\.1 200/g)?.length ?? 0).toBe(2);
    expect(received).not.toContain("408");
    socket.destroy();
  });
});

describe("PORTCULLIS_MAX_CONNECTIONS", () => {
  const MAX = 3;

  /** Opens a connection and asks for /healthz, keeping the connection open; resolves with the outcome. */
  function connect(port: number): Promise<{ socket: net.Socket; answered: boolean }> {
    return new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      cleanup.add("capped socket", () => void socket.destroy());
      let received = "";
      const settle = (answered: boolean) => {
        socket.removeAllListeners("data");
        resolve({ socket, answered });
      };
      socket.on("data", (d) => {
        received += d.toString("latin1");
        if (received.includes("\r\n\r\n")) settle(received.startsWith("HTTP/1.1 200"));
      });
      socket.on("close", () => settle(false));
      socket.on("error", () => undefined);
      socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    });
  }

  it("refuses connections past the cap, logs it, and accepts again once one closes", async () => {
    const capped = await startGateway({ env: { PORTCULLIS_MAX_CONNECTIONS: String(MAX) } });
    try {
      // The launcher's own readiness check may still hold a keep-alive connection: it counts too.
      const open: net.Socket[] = [];
      let refused: boolean | undefined;
      for (let i = 0; i < MAX + 2 && refused === undefined; i++) {
        const c = await connect(capped.port);
        if (c.answered) open.push(c.socket);
        else refused = true;
      }
      expect(refused, `all of ${open.length} connections were accepted`).toBe(true);
      expect(open.length).toBeGreaterThanOrEqual(MAX - 1);
      expect(open.length).toBeLessThanOrEqual(MAX);
      await capped.waitForLog("connection refused: PORTCULLIS_MAX_CONNECTIONS connections are open");
      expect(capped.logLines().find((l) => String(l.msg).startsWith("connection refused"))).toMatchObject({
        maxConnections: MAX,
      });

      for (const s of open) s.destroy();
      await expect.poll(async () => (await connect(capped.port)).answered, { timeout: 5000 }).toBe(true);
    } finally {
      await capped.stop();
    }
  });
});
