/**
 * A gateway that gets no traffic after it starts must not run V8's memory reducer. Without the flag, the
 * reducer runs memory-reducing full GCs seconds after start ("Mark-Compact (reduce)" in --trace-gc),
 * and on Node 20 the proxy path then used more CPU per request for the rest of the process's life
 * (docs/performance.md, "Node flags").
 * npm start therefore runs the gateway with --no-memory-reducer (scripts/server-process.mjs); this
 * runs the production bundle with npm start's flags, idle, and looks for those GCs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildServer } from "../scripts/build-server.mjs";
import { gcTraceLines } from "./support/gc-trace";
import { startGateway, type Gateway } from "./support/gateway";

// The reducer ran 8.7 s and 9.3 s after start without the flag (first check after 8 s of low allocation).
const IDLE_MS = 12_000;

describe("an idle gateway", () => {
  let gw: Gateway;

  beforeAll(async () => {
    await buildServer();
    gw = await startGateway({ built: true, extraNodeArgs: ["--trace-gc"] });
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
  });

  it("runs no memory-reducing GCs", async () => {
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const gcLines = gcTraceLines(gw.stdout());
    // The trace is there at all (else the assertion below could not fail).
    expect(gcLines.length).toBeGreaterThan(0);
    expect(
      gcLines.filter((l) => l.includes("(reduce)")),
      gcLines.join("\n"),
    ).toEqual([]);
  }, 60_000);
});
