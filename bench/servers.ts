/**
 * Child-process entry for benchmark peers, so each runs on its own event loop
 * like the gateway does:  node --import tsx bench/servers.ts <kind> [target]
 *   upstream      minimal JSON-RPC responder (the proxy's cost is what gets measured)
 *   sse           SSE upstream (timestamped events)
 *   mcp-sdk       the SDK's real MCP server
 *   bare-proxy    http-proxy + keep-alive agent, no auth, forwarding to [target]
 *   jwks          a JWKS document; counts fetches (GET /count)
 *   otlp-sink     accepts OTLP/HTTP exports and discards them (a collector that keeps up)
 * Prints one line `READY <port>` on stdout.
 */
import { createServer } from "node:http";
import { Agent } from "node:http";
import httpProxy from "http-proxy";
import { startMcpServer, startMinimalJsonRpcUpstream, startSseUpstream } from "../test/support/mcp-server";
import { listenLoopback } from "../test/support/cleanup";

async function main() {
  const [kind, arg] = process.argv.slice(2);
  let port: number;
  switch (kind) {
    case "upstream":
      port = (await startMinimalJsonRpcUpstream()).port;
      break;
    case "sse":
      port = (await startSseUpstream({ count: 20, intervalMs: 10 })).port;
      break;
    case "mcp-sdk":
      port = (await startMcpServer()).port;
      break;
    case "bare-proxy": {
      const target = new URL(arg);
      const agent = new Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256, scheduling: "lifo" });
      const proxy = httpProxy.createProxyServer({ target: target.origin, agent, changeOrigin: true });
      proxy.on("error", (_e, _req, res) => {
        const r = res as import("node:http").ServerResponse;
        if (!r.headersSent) r.writeHead(502).end();
      });
      const server = createServer((req, res) => proxy.web(req, res));
      server.keepAliveTimeout = 65_000;
      port = await listenLoopback(server);
      break;
    }
    case "jwks": {
      const jwks = JSON.parse(arg);
      let fetches = 0;
      const server = createServer((req, res) => {
        if (req.url === "/count") return res.end(String(fetches));
        fetches++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(jwks));
      });
      port = await listenLoopback(server);
      break;
    }
    case "otlp-sink": {
      const server = createServer((req, res) => {
        req.resume();
        req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
      });
      port = await listenLoopback(server);
      break;
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
  process.stdout.write(`READY ${port}\n`);
}

void main();
