// Runs Debian's nginx as a foreground process for tests and benchmarks: a temp prefix holding the main
// config (daemon off, pid, temp paths, error log), a site config rendered from a template with
// {{PLACEHOLDER}} values, listening on a free loopback port. No vitest import (bench/ uses it).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, freePort } from "./cleanup";

export const NGINX_BIN = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => existsSync(p));

export type Nginx = { url: string; port: number; pid: number; dir: string; errorLog(): string; stop(): Promise<void> };

/** Replaces every `{{NAME}}` in the template; fails on a placeholder without a value. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`nginx template: no value for {{${name}}}`);
    return values[name];
  });
}

/** Starts nginx with `site` (a server block and what goes beside it in http {}); `{{LISTEN}}` and `{{CACHE_DIR}}` are filled in. */
export async function startNginx(site: string, values: Record<string, string> = {}, workers = 1): Promise<Nginx> {
  if (!NGINX_BIN) throw new Error("nginx is not installed: run scripts/install-system-deps.sh (apt-get install nginx)");
  const dir = mkdtempSync(join(tmpdir(), "portcullis-nginx-"));
  const forgetDir = cleanup.removeOnExit(dir);
  for (const d of ["cache", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, d));
  const port = await freePort();
  writeFileSync(
    join(dir, "site.conf"),
    renderTemplate(site, { LISTEN: `127.0.0.1:${port}`, CACHE_DIR: join(dir, "cache"), ...values }),
  );
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off;
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? "user root;" : ""}
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`,
  );
  const args = ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")];
  const test = spawnSync(NGINX_BIN, [...args, "-t"], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  const child = spawn(NGINX_BIN, args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c));
  const forgetKill = cleanup.killOnExit(child.pid!, `nginx ${port}`);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const errorLog = () =>
    (existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : "") + stderr;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    unregister();
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
    forgetKill();
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  };
  const unregister = cleanup.add(`nginx(${port})`, stop);
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx did not start on ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid!, dir, errorLog, stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}
