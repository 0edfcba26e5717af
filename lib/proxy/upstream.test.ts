import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Resolver } from "../net/policy";
import { createForwarder, type Forwarder } from "./upstream";
import type { UpstreamTarget } from "./route-table";

/** A DNS that points a name at the metadata service, and another at loopback. */
const resolver: Resolver = async (host) => {
  if (host === "metadata-alias.test") return [{ address: "169.254.169.254", family: 4 }];
  if (host === "loopback-alias.test") return [{ address: "127.0.0.1", family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
};

let upstream: http.Server;
let upstreamPort: number;
let hits = 0;
const servers: http.Server[] = [];

const listen = async (s: http.Server) => {
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as { port: number }).port;
};

beforeAll(async () => {
  upstream = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
  upstreamPort = await listen(upstream);
});
afterAll(async () => {
  for (const s of [upstream, ...servers]) await new Promise<void>((r) => s.close(() => r()));
});

/** Sends one request through `forwarder` to `hostname` (the upstream's port) and returns status and body. */
async function through(forwarder: Forwarder, hostname: string) {
  const target: UpstreamTarget = {
    protocol: "http:",
    host: `${hostname}:${upstreamPort}`,
    hostname,
    port: String(upstreamPort),
  };
  const gateway = http.createServer((req, res) =>
    forwarder.forward(req, res, { target, path: "/mcp", headers: {}, relayChallenges: false }),
  );
  servers.push(gateway);
  const port = await listen(gateway);
  const r = await fetch(`http://127.0.0.1:${port}/mcp`);
  return { status: r.status, body: await r.text() };
}

describe("the forwarder obeys the outbound address policy at connect time", () => {
  it("refuses a host name that DNS points at the metadata service, before connecting", async () => {
    const f = createForwarder({ resolver });
    try {
      const before = hits;
      const r = await through(f, "metadata-alias.test");
      expect(r.status).toBe(502);
      expect(JSON.parse(r.body)).toEqual({
        error: "upstream_blocked",
        error_description:
          "The gateway refused to connect to the upstream MCP server: its address is not allowed by the gateway's outbound address policy",
      });
      expect(hits).toBe(before);
    } finally {
      f.close();
    }
  });

  it("connects to loopback by default, and refuses it (by name or literal) when private networks are blocked", async () => {
    const open = createForwarder({ resolver });
    const blocked = createForwarder({ resolver, blockPrivateNetwork: true });
    try {
      expect((await through(open, "loopback-alias.test")).status).toBe(200);
      expect((await through(open, "127.0.0.1")).status).toBe(200);
      const before = hits;
      for (const host of ["loopback-alias.test", "127.0.0.1"]) {
        const r = await through(blocked, host);
        expect(r.status, host).toBe(502);
        expect(JSON.parse(r.body).error, host).toBe("upstream_blocked");
      }
      expect(hits).toBe(before);
    } finally {
      open.close();
      blocked.close();
    }
  });
});
