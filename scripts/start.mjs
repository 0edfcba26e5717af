// `npm start`: build the console if needed, then run the gateway (server.ts) in
// production mode. Signals are forwarded so Ctrl-C shuts down cleanly.
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./build-if-stale.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
if (!process.env.PORTCULLIS_NO_CONSOLE || process.env.PORTCULLIS_NO_CONSOLE === "false") buildIfStale();

const child = spawn(process.execPath, ["--import", "tsx", join(root, "server.ts")], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...process.env },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
