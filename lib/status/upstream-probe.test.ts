import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeUpstream } from "./upstream-probe";

/** One loopback server answering by path: /mcp like an MCP endpoint, the rest as its name says. */
let server: http.Server;
let base: string;
const seen: { method?: string; body: string; headers: http.IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method, body, headers: req.headers });
      const path = req.url ?? "";
      if (path === "/mcp") {
        if (req.method !== "POST") return void res.writeHead(405).end();
        return void res.writeHead(400, { "content-type": "application/json" }).end('{"error":"no session"}');
      }
      if (path === "/stateless") return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
      if (path === "/own-auth") return void res.writeHead(401).end();
      if (path === "/broken") return void res.writeHead(502).end();
      if (path === "/moved") return void res.writeHead(308, { location: "/mcp" }).end();
      if (path === "/keyed") return void res.writeHead(req.headers["x-api-key"] === "k" ? 200 : 403).end();
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("probeUpstream", () => {
  it("sends an MCP ping and calls an MCP endpoint healthy, though it wants a session first", async () => {
    const r = await probeUpstream(`${base}/mcp`);
    expect(r).toMatchObject({ reachable: true, healthy: true, status: 400 });
    expect(r.detail).toBe("HTTP 400: answers MCP (asks for a session first)");
    const last = seen.at(-1)!;
    expect(last.method).toBe("POST");
    expect(JSON.parse(last.body)).toMatchObject({ jsonrpc: "2.0", method: "ping" });
    expect((await probeUpstream(`${base}/stateless`)).healthy).toBe(true);
    expect((await probeUpstream(`${base}/own-auth`)).healthy).toBe(true);
  });

  it("calls 404, 405, 5xx and redirects unhealthy", async () => {
    for (const [path, status, detail] of [
      ["/wrong-path", 404, /no MCP endpoint at this URL/],
      ["/broken", 502, /the upstream is failing/],
      ["/moved", 308, /redirects/],
    ] as const) {
      const r = await probeUpstream(`${base}${path}`);
      expect(r, path).toMatchObject({ reachable: true, healthy: false, status });
      expect(r.detail).toMatch(detail);
    }
  });

  it("sends the configured credential, and a refusal of it is unhealthy", async () => {
    expect(await probeUpstream(`${base}/keyed`, { headers: { "x-api-key": "k" } })).toMatchObject({
      healthy: true,
      status: 200,
    });
    const refused = await probeUpstream(`${base}/keyed`, { headers: { "x-api-key": "wrong" } });
    expect(refused).toMatchObject({ healthy: false, status: 403 });
    expect(refused.detail).toMatch(/refuses the configured credential/);
  });

  it("reports a refused connection as unreachable", async () => {
    const idle = http.createServer();
    await new Promise<void>((r) => idle.listen(0, "127.0.0.1", r));
    const port = (idle.address() as AddressInfo).port;
    await new Promise<void>((r) => idle.close(() => r()));
    const r = await probeUpstream(`http://127.0.0.1:${port}/mcp`);
    expect(r).toMatchObject({ reachable: false, healthy: false, error: "ECONNREFUSED" });
    expect(r.detail).toBe("unreachable: ECONNREFUSED");
  });
});
