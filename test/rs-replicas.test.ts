// Live config across replicas: two gateway processes share one SQLite database; a config change
// written through the database (as `portcullis apply` or the other replica's API would) is served
// by both within 5 s (config cache poll, default 2 s), with no restart.
import { describe, expect, it } from "vitest";
import { startGateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startMcpServer } from "./support/mcp-server";
import { applyToDatabase, INIT_BODY, MCP_HEADERS, waitFor } from "./rs-support";

autoCleanup();

describe("replicas", () => {
  it("serve a new server on every replica within 5 s of a database change", async () => {
    const mcp = await startMcpServer();
    const a = await startGateway({ config: `servers:\n  - name: first\n    upstream: ${mcp.url}\n    auth: none\n` });
    const b = await startGateway({ dataDir: a.dataDir, env: { DATABASE_URL: a.baseEnv.DATABASE_URL } });
    const status = async (base: string, name: string) => {
      const r = await fetch(`${base}/servers/${name}/mcp`, { method: "POST", headers: MCP_HEADERS, body: INIT_BODY });
      await r.arrayBuffer();
      return r.status;
    };
    expect(await status(a.url, "first")).toBe(200);
    expect(await status(b.url, "first")).toBe(200);
    expect(await status(b.url, "second")).toBe(404);

    const t0 = Date.now();
    await applyToDatabase(
      a.baseEnv.DATABASE_URL,
      `servers:\n  - name: second\n    upstream: ${mcp.url}\n    auth: none\n`,
    );
    const [ra, rb] = await Promise.all(
      [a, b].map((g) => waitFor(async () => ((await status(g.url, "second")) === 200 ? true : undefined), 6000, 50)),
    );
    const took = Math.max(ra.afterMs, rb.afterMs);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(took).toBeLessThan(5000);
  });
});
