// Spawns the real gateway (`node --import tsx server.ts` from the repo root) on a free loopback
// port with a fresh temp data dir, waits for GET /readyz, and captures its output.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanup, freePort } from "./cleanup";
import { SERVER_NODE_ARGS } from "../../scripts/server-process.mjs";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Variables inherited from the test runner's environment that must not leak into a gateway. */
const SCRUBBED = [
  "DATABASE_URL",
  "PUBLIC_URL",
  "ALLOWED_HOSTS",
  "TRUSTED_PROXIES",
  "ADMIN_PASSWORD",
  "ADMIN_TOKEN",
  "LOG_LEVEL",
  "PORT",
  "HOST",
  "PORTCULLIS_CONFIG",
  "PORTCULLIS_BLOCK_PRIVATE_NETWORK",
  "PORTCULLIS_NO_CONSOLE",
  "PORTCULLIS_METRICS",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "PORTCULLIS_CIMD_PRIVATE_HOSTS",
  "PORTCULLIS_CLIENT_SWEEP_SECONDS",
];

export interface StartGatewayOptions {
  /** Extra/overriding environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Declarative config (YAML text), written to a temp file and passed as PORTCULLIS_CONFIG. */
  config?: string;
  /** Data dir (default: fresh temp dir, removed by stop()). DATABASE_URL defaults to file:<dataDir>/portcullis.db. */
  dataDir?: string;
  /** Entry file relative to the repo root (default server.ts). */
  entry?: string;
  /** Another checkout of the project to run (the bench's base-ref row); default this repository. */
  root?: string;
  /** Run the production bundle (`node dist/server.mjs` with npm start's Node flags, built by scripts/build-server.mjs) instead of the sources through tsx. */
  built?: boolean;
  /** Node flags added after npm start's (built only), e.g. --trace-gc. */
  extraNodeArgs?: string[];
  /** Readiness timeout (default 60 s). */
  readyTimeoutMs?: number;
  /** Port to use (default: a free one). */
  port?: number;
  /** Echo the child's output to this process's stderr as it arrives (debugging). */
  echo?: boolean;
}

export interface Gateway {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  port: number;
  adminToken: string;
  dataDir: string;
  /** The gateway-specific environment it was started with (reuse for a second replica or the CLI). */
  baseEnv: Record<string, string>;
  pid: number;
  /** Combined stdout+stderr so far. */
  logs(): string;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines (non-JSON lines skipped). */
  logLines(): Record<string, unknown>[];
  /** Resolves when the output matches (checks what is already there first). */
  waitForLog(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** fetch() against the gateway; `path` is resolved against url. Adds the admin bearer token when admin is true. */
  fetch(path: string, init?: RequestInit & { admin?: boolean }): Promise<Response>;
  /** Admin API call: fetch with `Authorization: Bearer <ADMIN_TOKEN>`. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Run the CLI (`portcullis ...`) with this gateway's environment. */
  cli(
    args: string[],
    opts?: { input?: string; env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string },
  ): Promise<CliResult>;
  /** SIGTERM the process group, wait for exit (SIGKILL after 10 s), remove temp files. Idempotent. */
  stop(): Promise<void>;
  /** Exit code/signal once exited, else undefined. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const MAX_LOG = 4 * 1024 * 1024;

function buildEnv(base: Record<string, string>, extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = {} as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries(process.env)) {
    if (SCRUBBED.includes(k) || k.startsWith("VITEST") || k === "TEST" || k.startsWith("npm_")) continue;
    env[k] = v;
  }
  Object.assign(env, base);
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

export async function startGateway(opts: StartGatewayOptions = {}): Promise<Gateway> {
  const ownDataDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "portcullis-gw-"));
  const removeDirOnExit = ownDataDir ? cleanup.removeOnExit(dataDir) : () => {};
  const adminToken = opts.env?.ADMIN_TOKEN ?? `test-admin-${randomBytes(18).toString("base64url")}`;
  let configPath: string | undefined;
  if (opts.config !== undefined) {
    configPath = join(dataDir, `portcullis-config-${randomBytes(4).toString("hex")}.yaml`);
    writeFileSync(configPath, opts.config);
  }
  const entry = opts.built ? "dist/server.mjs" : (opts.entry ?? "server.ts");
  const root = opts.root ?? REPO_ROOT;
  if (!existsSync(join(root, entry))) {
    throw new Error(`startGateway: ${join(root, entry)} does not exist`);
  }

  const attempts = opts.port ? 1 : 3;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.port ?? (await freePort());
    const baseEnv: Record<string, string> = {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: `file:${join(dataDir, "portcullis.db")}`,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: "warn",
      PORTCULLIS_NO_CONSOLE: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: process.env.NODE_ENV ?? "test",
    };
    if (configPath) baseEnv.PORTCULLIS_CONFIG = configPath;
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete baseEnv[k];
      else baseEnv[k] = v;
    }
    try {
      return await launch(port, baseEnv);
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE/.test(lastError.message)) break;
    }
  }
  if (ownDataDir) {
    rmSync(dataDir, { recursive: true, force: true });
    removeDirOnExit();
  }
  throw lastError;

  async function launch(port: number, baseEnv: Record<string, string>): Promise<Gateway> {
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      opts.built ? [...SERVER_NODE_ARGS, ...(opts.extraNodeArgs ?? []), entry] : ["--import", "tsx", entry],
      {
        cwd: root,
        env: buildEnv(baseEnv),
        detached: true, // own process group: stop() kills everything it started
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const pid = child.pid!;
    const forgetKill = cleanup.killOnExit(pid, `gateway ${url}`);
    let out = "";
    let err = "";
    let all = "";
    const waiters = new Set<() => void>();
    const append = (which: "out" | "err", chunk: Buffer) => {
      const s = chunk.toString("utf8");
      if (which === "out") out = (out + s).slice(-MAX_LOG);
      else err = (err + s).slice(-MAX_LOG);
      all = (all + s).slice(-MAX_LOG);
      if (opts.echo) process.stderr.write(`[gw:${port}] ${s}`);
      for (const w of waiters) w();
    };
    child.stdout!.on("data", (c: Buffer) => append("out", c));
    child.stderr!.on("data", (c: Buffer) => append("err", c));
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exitedP = new Promise<void>((res) => {
      child.once("exit", (code, signal) => {
        exitInfo = { code, signal };
        for (const w of waiters) w();
        res();
      });
    });

    let stopped = false;
    const unregister = cleanup.add(`gateway(${url})`, () => stop());
    async function stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      unregister();
      if (!exitInfo) {
        killGroup(child, "SIGTERM");
        const t = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
        await exitedP;
        clearTimeout(t);
      }
      // Anything the server spawned in its group must go too.
      killGroup(child, "SIGKILL");
      forgetKill();
      if (ownDataDir) {
        rmSync(dataDir, { recursive: true, force: true });
        removeDirOnExit();
      } else if (configPath) {
        rmSync(configPath, { force: true });
      }
    }

    const tail = () => `--- stderr (tail) ---\n${err.slice(-4000)}\n--- stdout (tail) ---\n${out.slice(-4000)}`;
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (exitInfo) {
        const msg = `gateway exited before it was ready (code ${exitInfo.code}, signal ${exitInfo.signal})\n${tail()}`;
        stopped = true;
        unregister();
        forgetKill();
        throw new Error(msg);
      }
      try {
        const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        if (r.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        const msg = `gateway not ready at ${url}/readyz within ${opts.readyTimeoutMs ?? 60_000} ms\n${tail()}`;
        await stop(); // removes our own temp dir, never a caller-supplied one
        throw new Error(msg);
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    const gw: Gateway = {
      url,
      port,
      adminToken,
      dataDir,
      baseEnv,
      pid,
      logs: () => all,
      stdout: () => out,
      stderr: () => err,
      logLines: () =>
        all
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .flatMap((l) => {
            try {
              return [JSON.parse(l) as Record<string, unknown>];
            } catch {
              return [];
            }
          }),
      waitForLog(pattern, timeoutMs = 10_000) {
        const test = (s: string) => (typeof pattern === "string" ? s.includes(pattern) : pattern.test(s));
        return new Promise<string>((resolveP, rejectP) => {
          if (test(all)) return resolveP(all);
          const timer = setTimeout(() => {
            waiters.delete(check);
            rejectP(new Error(`waitForLog(${pattern}) timed out\n${tail()}`));
          }, timeoutMs);
          const check = () => {
            if (test(all)) {
              clearTimeout(timer);
              waiters.delete(check);
              resolveP(all);
            } else if (exitInfo) {
              clearTimeout(timer);
              waiters.delete(check);
              rejectP(new Error(`gateway exited while waiting for ${pattern}\n${tail()}`));
            }
          };
          waiters.add(check);
        });
      },
      fetch(path, init = {}) {
        const { admin, ...rest } = init;
        const headers = new Headers(rest.headers);
        if (admin) headers.set("authorization", `Bearer ${adminToken}`);
        return fetch(new URL(path, url), { ...rest, headers });
      },
      api(path, init = {}) {
        return gw.fetch(path, { ...init, admin: true });
      },
      cli: (args, o = {}) => runCli(args, { ...o, env: { ...baseEnv, ...(o.env ?? {}) } }),
      stop,
      exited: () => exitInfo,
    };
    return gw;
  }
}

/**
 * Run the CLI (from the repo root unless `cwd` says otherwise): `bin/portcullis.mjs` when present, else
 * `node --import tsx cli/main.ts`. Environment: the runner's (scrubbed of gateway variables) plus `env`.
 */
export function runCli(
  args: string[],
  opts: { input?: string; env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  const bin = join(REPO_ROOT, "bin", "portcullis.mjs");
  const argv = existsSync(bin) ? [bin, ...args] : ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), ...args];
  return new Promise((resolveP, rejectP) => {
    const child = spawn(process.execPath, argv, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: buildEnv({ LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" }, opts.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rejectP(new Error(`CLI ${args.join(" ")} timed out\n${stderr}\n${stdout}`));
    }, opts.timeoutMs ?? 60_000);
    child.once("error", (e) => {
      clearTimeout(timer);
      rejectP(e);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolveP({ code, stdout, stderr });
    });
    child.stdin!.end(opts.input ?? "");
  });
}
