// `npm run lint` and the first phase of `npm test`: formatting (Prettier), lint rules (ESLint) and
// unused files, exports and dependencies (knip). Each runs; the exit code is non-zero if any failed.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tools = [
  ["prettier", "bin/prettier.cjs", ["--check", "--log-level", "warn", "."]],
  ["eslint", "bin/eslint.js", ["."]],
  ["knip", "bin/knip.js", ["--no-config-hints"]],
];
let failed = 0;
for (const [name, file, args] of tools) {
  const r = spawnSync(process.execPath, [join(root, "node_modules", name, file), ...args], {
    cwd: root,
    stdio: "inherit",
  });
  console.log(`${r.status === 0 ? "ok  " : "FAIL"}  ${name}`);
  if (r.status !== 0) failed++;
}
if (failed) console.log("Fix formatting with `npm run format`; it also applies ESLint's automatic fixes.");
process.exit(failed ? 1 : 0);
