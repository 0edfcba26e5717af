// Builds the Next.js console when there is no build yet or the console's sources changed since the last
// build, so `npm start` and the tests always serve current code. "Changed" is by content (a hash of the
// sources kept beside the build), not by modification time: `npm install` rewrites package-lock.json and
// touches files without changing them, and must not cost a rebuild.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer } from "./build-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["app", "components", "lib", "public", "next.config.mjs", "postcss.config.mjs", "package-lock.json"];
const SKIP = new Set(["node_modules", "generated", ".next"]);
const HASH_FILE = join(root, ".next", "portcullis-sources.sha256");

function files(path, out = []) {
  if (!existsSync(path)) return out;
  if (!statSync(path).isDirectory()) return (out.push(path), out);
  for (const entry of readdirSync(path).sort()) {
    if (SKIP.has(entry) || entry.endsWith(".test.ts")) continue;
    files(join(path, entry), out);
  }
  return out;
}

/** sha256 over every console source's path and content under `base`, in a fixed order. */
export function sourcesHash(base = root) {
  const h = createHash("sha256");
  for (const file of SOURCES.flatMap((s) => files(join(base, s)))) {
    h.update(relative(base, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return h.digest("hex");
}

/**
 * What a production start needs: the server bundle (dist/server.mjs, rebuilt every time, it takes a
 * fraction of a second) and, when the console is served, the console if it is stale.
 */
export async function buildAll({ console: withConsole = true, force = false } = {}) {
  await buildServer();
  return withConsole ? buildIfStale({ force }) : false;
}

/** Runs `next build` quietly: one line while it works, its whole output only if it fails. */
export async function buildIfStale({ force = false } = {}) {
  const built = existsSync(join(root, ".next", "BUILD_ID"));
  const hash = sourcesHash();
  const previous = existsSync(HASH_FILE) ? readFileSync(HASH_FILE, "utf8").trim() : "";
  if (!force && built && previous === hash) return false;
  const started = Date.now();
  process.stdout.write(
    `portcullis: ${built ? "console sources changed, rebuilding the console" : "building the console (first start, about a minute)"}… `,
  );
  const output = [];
  const status = await new Promise((resolveStatus, reject) => {
    const child = spawn(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    child.stdout.on("data", (c) => output.push(c));
    child.stderr.on("data", (c) => output.push(c));
    child.once("error", reject);
    child.once("close", resolveStatus);
  });
  if (status !== 0) {
    process.stdout.write("failed\n");
    process.stderr.write(Buffer.concat(output));
    throw new Error(`next build failed (exit ${status})`);
  }
  writeFileSync(HASH_FILE, hash + "\n");
  process.stdout.write(`done (${Math.round((Date.now() - started) / 1000)} s)\n`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildAll({ force: process.argv.includes("--force") });
