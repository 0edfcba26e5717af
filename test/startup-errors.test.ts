/**
 * The real server's startup failures are one line that says what to change, not a Node error dump.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listenLoopback } from "./support/cleanup";
import { startGateway } from "./support/gateway";

const dir = mkdtempSync(join(tmpdir(), "portcullis-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (p: Promise<{ stop(): Promise<void> }>) =>
  p.then(
    async (gw) => {
      await gw.stop();
      throw new Error("the gateway started");
    },
    (e: Error) => e.message,
  );

describe("startup errors", () => {
  it("a port in use", async () => {
    // Another program holds the port (answering 503, so the launcher's readiness check never passes).
    const other = createServer((_req, res) => res.writeHead(503).end());
    const port = await listenLoopback(other);
    try {
      const out = await failure(startGateway({ port, readyTimeoutMs: 20_000 }));
      expect(out).toContain(
        `portcullis: cannot listen on 127.0.0.1:${port}: another process is using the port (EADDRINUSE); stop it, or set PORT to a free port`,
      );
      expect(out).not.toMatch(/^\s+at /m);
    } finally {
      other.close();
    }
  });

  it("a data directory that cannot be created, and an unreachable PostgreSQL (password not shown)", async () => {
    const aFile = join(dir, "a-file");
    writeFileSync(aFile, "");
    const sqlite = await failure(
      startGateway({ env: { DATABASE_URL: `file:${aFile}/data/portcullis.db` }, readyTimeoutMs: 20_000 }),
    );
    expect(sqlite).toMatch(
      /portcullis: cannot create the data directory .*a-file\/data \(ENOTDIR: .*\); set DATABASE_URL to a file in a writable directory/,
    );
    expect(sqlite).not.toMatch(/^\s+at /m);

    const pg = await failure(
      startGateway({
        env: {
          DATABASE_URL: "postgres://portcullis:hunter2-secret@127.0.0.1:1/db",
          PORTCULLIS_SECRET_KEY: "A".repeat(43),
        },
        readyTimeoutMs: 20_000,
      }),
    );
    expect(pg).toContain(
      "portcullis: cannot connect to PostgreSQL at postgres://portcullis:***@127.0.0.1:1/db (connect ECONNREFUSED 127.0.0.1:1)",
    );
    expect(pg).not.toContain("hunter2");
  });

  it("a config file that cannot be read, and a PUBLIC_URL that is not a URL", async () => {
    const missing = join(dir, "missing.yaml");
    const config = await failure(startGateway({ env: { PORTCULLIS_CONFIG: missing }, readyTimeoutMs: 20_000 }));
    expect(config).toContain(
      `portcullis: cannot read PORTCULLIS_CONFIG ${missing} (ENOENT: no such file or directory, open '${missing}')`,
    );
    expect(config).not.toMatch(/^\s+at /m);

    const publicUrl = await failure(startGateway({ env: { PUBLIC_URL: "mcp.example.com" }, readyTimeoutMs: 20_000 }));
    expect(publicUrl).toContain('PUBLIC_URL: not a valid URL: "mcp.example.com"');
  });
});
