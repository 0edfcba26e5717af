// The Dockerfile's steps, outside a container (no container engine runs here): the project is packed
// as its build stage packs it, installed into a clean directory as its runtime stage does (the packed
// files and the lockfile, production dependencies only, the postinstall's Prisma client), and started
// with the image's CMD and environment; the HEALTHCHECK command must pass. Proves package.json
// "files" holds what the runtime needs (server bundle, console build, migrations, CLI).
// Tests reach no registry, so the runtime stage's `npm ci --omit=dev` is done as its equivalent from
// the lockfile: the project's installed packages (hard links), pruned with `npm prune --omit=dev
// --offline`, then the postinstall script.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildAll } from "../scripts/build-if-stale.mjs";
import { SERVER_NODE_ARGS } from "../scripts/server-process.mjs";
import { cleanup, freePort } from "./support/cleanup";
import { REPO_ROOT } from "./support/gateway";
import { autoCleanup } from "./support/hooks";

autoCleanup();

const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
/** The runtime stage: everything after the last FROM. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
const execForm = (instruction: string) => {
  const m = new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, "m").exec(runtimeStage);
  if (!m) throw new Error(`Dockerfile: no exec-form ${instruction}`);
  return JSON.parse(m[1]) as string[];
};
/** The HEALTHCHECK's exec-form command (after its options). */
const healthcheck = () => {
  const m = /^HEALTHCHECK\s+(?:--\S+\s+)*CMD\s+(\[.*\])\s*$/m.exec(runtimeStage);
  if (!m) throw new Error("Dockerfile: no exec-form HEALTHCHECK");
  return JSON.parse(m[1]) as string[];
};
const imageEnv = () => {
  const m = /^ENV\s+(.*)$/m.exec(runtimeStage)!;
  return Object.fromEntries([...m[1].matchAll(/(\w+)=(\S+)/g)].map((x) => [x[1], x[2]]));
};

let work: string;
let app: string;
let packed: string[];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

beforeAll(async () => {
  await buildAll(); // the build stage: console and server bundle (a no-op when fresh)
  work = mkdtempSync(join(tmpdir(), "portcullis-image-"));
  const forget = cleanup.removeOnExit(work);
  cleanup.add("image work dir", () => {
    spawnSync("rm", ["-rf", work]);
    forget();
  });
  const [pack] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], REPO_ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  packed = pack.files.map((f) => f.path);
  app = join(work, "app");
  mkdirSync(app);
  run("tar", ["-xzf", join(work, pack.filename), "--strip-components=1", "-C", app], work);
  copyFileSync(join(REPO_ROOT, "package-lock.json"), join(app, "package-lock.json"));
  // The runtime stage's `npm ci --omit=dev`, without a registry (see above).
  run("cp", ["-al", join(REPO_ROOT, "node_modules"), join(app, "node_modules")], work);
  run("npm", ["prune", "--omit=dev", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], app);
  run("npm", ["run", "postinstall"], app);
}, 600_000);

describe("the container image's steps", () => {
  it("builds in Node's flags, runs as a non-root user, checks /readyz and keeps data on a volume", () => {
    expect(execForm("CMD")).toEqual(["node", ...SERVER_NODE_ARGS, "dist/server.mjs"]);
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toMatch(/^VOLUME \/data$/m);
    expect(healthcheck().join(" ")).toContain("/readyz");
    expect(imageEnv()).toMatchObject({ NODE_ENV: "production", DATABASE_URL: "file:/data/portcullis.db" });
  });

  it("packs what the runtime needs and no tests, caches or dev builds", () => {
    for (const needed of [
      "dist/server.mjs",
      ".next/BUILD_ID",
      "prisma/migrations/sqlite/0001_init/migration.sql",
      "prisma/migrations/postgres/0001_init/migration.sql",
      "bin/portcullis.mjs",
      "cli/main.ts",
      "scripts/prisma.mjs",
      "next.config.mjs",
    ])
      expect(packed).toContain(needed);
    expect(
      packed.filter((p) => /\.test\.ts$|^test\/|^e2e\/|^bench\/|^\.next\/cache\/|^lib\/db\/generated\//.test(p)),
    ).toEqual([]);
  });

  it("installs production dependencies only, with the Prisma client generated", () => {
    expect(existsSync(join(app, "node_modules/next"))).toBe(true);
    expect(existsSync(join(app, "node_modules/prom-client"))).toBe(true);
    // (@playwright/test stays, as with npm ci --omit=dev: it is an optional peer of next.)
    for (const dev of ["vitest", "eslint", "oidc-provider", "autocannon", "knip"])
      expect(existsSync(join(app, "node_modules", dev)), dev).toBe(false);
    expect(readdirSync(join(app, "lib/db/generated"))).toEqual(expect.arrayContaining(["sqlite", "postgres"]));
  });

  it("starts with the image's CMD, answers /readyz and the HEALTHCHECK, serves the console and the CLI", async () => {
    const port = await freePort();
    const data = join(work, "data");
    mkdirSync(data);
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: "production",
      PATH: process.env.PATH,
      HOME: work,
      ...imageEnv(),
      HOST: "127.0.0.1", // loopback here; 0.0.0.0 in the image
      PORT: String(port),
      DATABASE_URL: `file:${join(data, "portcullis.db")}`,
      PORTCULLIS_SECRET_KEY: randomBytes(32).toString("base64url"),
      ADMIN_PASSWORD: "image-test-password",
      LOG_LEVEL: "warn",
    };
    const [cmd, ...args] = execForm("CMD");
    expect(cmd).toBe("node");
    const child = spawn(process.execPath, args, { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c));
    child.stderr!.on("data", (c: Buffer) => (output += c));
    const forgetKill = cleanup.killOnExit(child.pid!, "image server");
    const exited = new Promise((r) => child.once("exit", r));
    cleanup.add("image server", async () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* gone */
      }
      await exited;
      forgetKill();
    });

    const deadline = Date.now() + 90_000;
    for (;;) {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (r?.status === 200) break;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not get ready:\n${output}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    const [hcCmd, ...hcArgs] = healthcheck();
    expect(hcCmd).toBe("node");
    expect(spawnSync(process.execPath, hcArgs, { env, timeout: 10_000 }).status).toBe(0);

    const login = await fetch(`http://127.0.0.1:${port}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("<html");
    // The secret key came from the environment: nothing generated on the volume.
    expect(existsSync(join(data, "secret.key"))).toBe(false);
    // The CLI runs from the installed package against the same database.
    const cli = spawnSync(process.execPath, [join(app, "bin/portcullis.mjs"), "export"], {
      cwd: app,
      env,
      encoding: "utf8",
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("servers:");
  });
});
