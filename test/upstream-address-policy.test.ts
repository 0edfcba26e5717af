// Upstream targets obey the outbound address policy (docs/security.md), replayed against the real gateway:
// link-local and cloud-metadata upstreams are refused by config validation (YAML at start, `portcullis
// apply`; the admin API and the console form share the schema: test/console-security.test.ts), and the
// proxy checks every resolved address when it connects, so neither DNS nor a config stored before this
// check can reach a forbidden address. Loopback upstreams keep working unless private networks are blocked.
import { beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startMcpServer, type McpTestServer } from "./support/mcp-server";
import { INIT_BODY, MCP_HEADERS, rawRequest } from "./rs-support";

autoCleanup();

const FORBIDDEN = [
  ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a cloud metadata address (always blocked)"],
  ["http://2852039166/", "169.254.169.254 is a cloud metadata address (always blocked)"],
  ["http://[::ffff:169.254.169.254]/mcp", "::ffff:a9fe:a9fe is a cloud metadata address (always blocked)"],
  ["http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a cloud metadata endpoint"],
  ["http://169.254.10.10:8080/mcp", "169.254.10.10 is a link-local address (always blocked)"],
  ["http://[fe80::1]:8080/mcp", "fe80::1 is a link-local address (always blocked)"],
] as const;
const yaml = (upstreams: readonly string[]) =>
  `servers:\n${upstreams.map((u, i) => `  - name: s${i}\n    upstream: ${u}\n    auth: none\n`).join("")}`;

let mcp: McpTestServer;
beforeAll(async () => {
  mcp = await startMcpServer();
});

describe("config validation refuses link-local and metadata upstreams, by field", () => {
  it("in the YAML file applied at start: the gateway does not start and names every field", async () => {
    const out = await startGateway({ config: yaml(FORBIDDEN.map(([u]) => u)), readyTimeoutMs: 30_000 }).then(
      async (gw) => {
        await gw.stop();
        throw new Error("the gateway started");
      },
      (e: Error) => e.message,
    );
    FORBIDDEN.forEach(([, reason], i) => expect(out).toContain(`servers[${i}].upstream: ${reason}`));
  });

  it("in `portcullis apply`: exit 1, every field named, nothing applied", async () => {
    const gw = await startGateway();
    try {
      const r = await gw.cli(["apply", "-f", "-"], { input: yaml([mcp.url, ...FORBIDDEN.map(([u]) => u)]) });
      expect(r.code).toBe(1);
      FORBIDDEN.forEach(([, reason], i) => expect(r.stderr).toContain(`servers[${i + 1}].upstream: ${reason}`));
      expect(r.stderr).not.toContain("servers[0]");
      expect((await gw.cli(["export"])).stdout).not.toContain("name: s0");
    } finally {
      await gw.stop();
    }
  });
});

describe("the proxy checks the addresses it connects to", () => {
  it("with PORTCULLIS_BLOCK_PRIVATE_NETWORK=true, a loopback upstream is refused by name (DNS) and by literal", async () => {
    const port = new URL(mcp.url).port;
    const gw = await startGateway({
      env: { PORTCULLIS_BLOCK_PRIVATE_NETWORK: "true" },
      config: yaml([`http://localhost:${port}/mcp`, `http://127.0.0.1:${port}/mcp`]),
    });
    try {
      for (const name of ["s0", "s1"]) {
        const seen = mcp.requests.length;
        const r = await rawRequest(`${gw.url}/servers/${name}/mcp`, {
          method: "POST",
          headers: MCP_HEADERS,
          body: INIT_BODY,
        });
        expect(r.status, name).toBe(502);
        expect(r.json(), name).toEqual({
          error: "upstream_blocked",
          error_description:
            "The gateway refused to connect to the upstream MCP server: its address is not allowed by the gateway's outbound address policy",
        });
        expect(mcp.requests.length, name).toBe(seen);
      }
      const refusals = () =>
        gw.logLines().filter((l) => l.msg === "upstream address refused by the outbound address policy");
      // One line per server; the second may still be on its way to the log.
      await expect
        .poll(() =>
          refusals()
            .map((l) => l.server)
            .sort(),
        )
        .toEqual(["s0", "s1"]);
      const lines = refusals();
      expect(String(lines.find((l) => l.server === "s0")?.err)).toMatch(
        /localhost resolves to (127\.0\.0\.1|::1), which is a loopback address and PORTCULLIS_BLOCK_PRIVATE_NETWORK is on/,
      );
      expect(lines.find((l) => l.server === "s1")).toMatchObject({ address: "127.0.0.1" });
    } finally {
      await gw.stop();
    }
  });

  it("by default, loopback upstreams keep working, by name and by literal", async () => {
    const port = new URL(mcp.url).port;
    const gw = await startGateway({ config: yaml([`http://localhost:${port}/mcp`, `http://127.0.0.1:${port}/mcp`]) });
    try {
      for (const name of ["s0", "s1"]) {
        const r = await rawRequest(`${gw.url}/servers/${name}/mcp`, {
          method: "POST",
          headers: MCP_HEADERS,
          body: INIT_BODY,
        });
        expect(r.status, name).toBe(200);
      }
    } finally {
      await gw.stop();
    }
  });
});
