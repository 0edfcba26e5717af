// Builds the Next.js console when there is no build yet or a console source is
// newer than the last build, so `npm start` and the tests always serve current code.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer } from "./build-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["app", "components", "lib", "public", "next.config.mjs", "postcss.config.mjs", "package-lock.json"];
const SKIP = new Set(["node_modules", "generated", ".next"]);

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (SKIP.has(entry) || entry.endsWith(".test.ts")) continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

/**
 * What a production start needs: the server bundle (dist/server.mjs, rebuilt every time, it takes a
 * fraction of a second) and, when the console is served, the console if it is stale.
 */
export async function buildAll({ console: withConsole = true, force = false } = {}) {
  await buildServer();
  return withConsole ? buildIfStale({ force }) : false;
}

export function buildIfStale({ force = false } = {}) {
  const marker = join(root, ".next", "BUILD_ID");
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const changed = Math.max(...SOURCES.map((s) => newest(join(root, s))));
  if (!force && built && built >= changed) return false;
  console.log(
    built
      ? "portcullis: console sources changed, rebuilding…"
      : "portcullis: building the console (first start, about 15 s)…",
  );
  const r = spawnSync(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildAll({ force: process.argv.includes("--force") });
