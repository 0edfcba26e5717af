// A 2026-07-28 MCP upstream: the v2 SDK's createMcpHandler (a fresh McpServer per request, no
// sessions) on a plain node:http server at 127.0.0.1. Strict by default (`legacy: "reject"`): a
// 2025-era request (initialize, no per-request _meta) is refused, so a tool call that works proves
// the request arrived in the stateless protocol. Every request is recorded with its headers and
// JSON body, to check what the proxy forwarded.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import * as z from "zod";
import { closeHttpServer, closeOnce, listenLoopback } from "./cleanup";

export interface ModernRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (POST), else undefined. */
  body: unknown;
}

export interface ModernMcpServer {
  /** http://127.0.0.1:PORT/mcp */
  url: string;
  requests: ModernRequest[];
  close(): Promise<void>;
}

function buildServer(): McpServer {
  const server = new McpServer({ name: "portcullis-test-modern-upstream", version: "1.0.0" });
  server.registerTool(
    "echo",
    { description: "Echo the given text", inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: "text", text }] }),
  );
  return server;
}

export async function startModernMcpServer(opts: { legacy?: "reject" | "serve" } = {}): Promise<ModernMcpServer> {
  const handler = createMcpHandler(() => buildServer(), opts.legacy === "serve" ? {} : { legacy: "reject" });
  const requests: ModernRequest[] = [];
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? "GET", headers: req.headers, body });
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
      }
      const response = await handler.fetch(
        new Request(new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`), {
          method: req.method,
          headers,
          body: raw.length && req.method !== "GET" && req.method !== "HEAD" ? raw : undefined,
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        const reader = response.body.getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value);
      }
      res.end();
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((e as Error).message));
    }
  });
  const port = await listenLoopback(server);
  const close = closeOnce(`modern-mcp(${port})`, async () => {
    await handler.close();
    await closeHttpServer(server);
  });
  return { url: `http://127.0.0.1:${port}/mcp`, requests, close };
}
