// `npm start`: build the console if needed and the server bundle, then run the
// gateway (dist/server.mjs, plain Node) in production mode. Signals are
// forwarded so Ctrl-C and SIGTERM drain the server (docs/operations.md).
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAll } from "./build-if-stale.mjs";
import { SERVER_ENV, SERVER_NODE_ARGS } from "./server-process.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
await buildAll({ console: !["1", "true", "yes"].includes(process.env.PORTCULLIS_NO_CONSOLE ?? "") });

const child = spawn(process.execPath, [...SERVER_NODE_ARGS, join(root, "dist/server.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: { ...SERVER_ENV, ...process.env },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
// Under `npm start` this runs below npm and sh: a SIGTERM sent to npm alone ends sh without passing it on
// (Debian's sh does not), which would leave the server running. When the process that started this one
// is gone, stop the server (it drains) as if it had been signalled.
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  child.kill("SIGTERM");
}, 500);
orphaned.unref();
