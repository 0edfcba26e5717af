// `npm test`: the whole suite, in the order a failure is cheapest to find —
// lint (Prettier, ESLint, knip), typecheck, unit tests (lib/, cli/), console build, integration tests (real
// server, IdP, MCP server, PostgreSQL), Playwright end-to-end specs (Chromium).
// Every phase runs; the exit code is non-zero if any failed. The last line sums
// the test counts of all runners.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAll } from "./build-if-stale.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv.slice(2); // e.g. `npm test -- unit integration`
const want = (phase) => only.length === 0 || only.includes(phase);
const reports = mkdtempSync(join(tmpdir(), "portcullis-test-"));
const bin = (name, file) => join(root, "node_modules", name, file);
const totals = { passed: 0, failed: 0, skipped: 0 };
const results = [];
const failures = []; // "file › test: first line of the error", repeated in the summary so a truncated log still names them
const firstLine = (msg) =>
  String(msg ?? "")
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .find((l) => l.trim()) ?? "";

function run(phase, args, env = {}) {
  if (!want(phase)) return;
  const started = Date.now();
  console.log(`\n━━ ${phase} ━━`);
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  const ok = r.status === 0;
  results.push({ phase, ok, seconds: Math.round((Date.now() - started) / 1000) });
  return ok;
}

function countVitest(file) {
  if (!existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, "utf8"));
  totals.passed += j.numPassedTests ?? 0;
  totals.failed += j.numFailedTests ?? 0;
  totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  for (const file of j.testResults ?? []) {
    const name = file.name ? file.name.replace(root + "/", "") : "?";
    const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failed) failures.push(`${name} › ${t.fullName ?? t.title}: ${firstLine(t.failureMessages?.[0])}`);
    // A file that failed before any test ran (import error, hook failure) has no failed test to name.
    if (failed.length === 0 && file.status === "failed") failures.push(`${name}: ${firstLine(file.message)}`);
  }
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8"));
  const s = report.stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== "unexpected") continue;
        const err = t.results?.at(-1)?.error?.message;
        failures.push(`${spec.file ?? suite.file} › ${spec.title}: ${firstLine(err)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
}

// Fresh machine: PostgreSQL and Chromium come from Debian (installed when root; otherwise a clear message).
if (want("integration") || want("e2e")) {
  const r = spawnSync("bash", [join(root, "scripts/install-system-deps.sh")], { stdio: "inherit" });
  if (r.status !== 0) results.push({ phase: "system packages", ok: false, seconds: 0 });
}

run("lint", [join(root, "scripts/lint.mjs")]);
run("typecheck", [bin("typescript", "bin/tsc"), "--noEmit", "-p", "."]);

const vitest = (project) => {
  const out = join(reports, `${project}.json`);
  run(project, [
    bin("vitest", "vitest.mjs"),
    "run",
    "--project",
    project,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${out}`,
  ]);
  countVitest(out);
};
vitest("unit");

if (want("integration") || want("e2e")) {
  const started = Date.now();
  let ok = true;
  try {
    await buildAll();
  } catch (e) {
    console.error(e.message);
    ok = false;
  }
  results.push({ phase: "build", ok, seconds: Math.round((Date.now() - started) / 1000) });
}

vitest("integration");

if (want("e2e")) {
  const out = join(reports, "e2e.json");
  run("e2e", [bin("@playwright/test", "cli.js"), "test"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: out,
    PORTCULLIS_E2E_JSON: out,
  });
  countPlaywright(out);
}

console.log("\n━━ summary ━━");
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"}  ${r.phase.padEnd(12)} ${r.seconds}s`);
for (const f of failures) console.log(`  ✗ ${f.slice(0, 300)}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
