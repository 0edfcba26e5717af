#!/usr/bin/env node
// Runs the Prisma CLI the way these machines allow: JavaScript schema engine, no
// native engine download. `generate` builds one client per database from
// prisma/schema.prisma; `diff NAME` writes the SQL migration for each database.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "prisma/schema.prisma");
const prismaBin = join(root, "node_modules/prisma/build/index.js");

// The CLI checks these exist before some commands; with the JS engine they are never run.
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? prismaBin,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? prismaBin,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
};

/** The PostgreSQL variant differs only in provider and output folder. */
function writePostgresSchema() {
  const pg = readFileSync(source, "utf8")
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace("../lib/db/generated/sqlite", "../../lib/db/generated/postgres");
  mkdirSync(join(root, "prisma/postgres"), { recursive: true });
  const file = join(root, "prisma/postgres/schema.prisma");
  writeFileSync(file, "// GENERATED from prisma/schema.prisma by scripts/prisma.mjs — do not edit.\n" + pg);
  return file;
}

const schemas = () => ({ sqlite: source, postgres: writePostgresSchema() });

function prisma(args, schema) {
  const r = spawnSync(process.execPath, [prismaBin, ...args, "--config", join(root, "prisma/cli.config.ts")], {
    cwd: root,
    env: { ...env, PORTCULLIS_PRISMA_SCHEMA: schema },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout ?? "");
    process.stderr.write(r.stderr ?? "");
    throw new Error(`prisma ${args.join(" ")} failed (exit ${r.status})`);
  }
  return r.stdout;
}

const [cmd, name] = process.argv.slice(2);
if (cmd === "generate") {
  for (const [db, file] of Object.entries(schemas())) {
    prisma(["generate", "--schema", file, "--no-hints"], file);
    console.log(`prisma: generated the ${db} client`);
  }
} else if (cmd === "diff") {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: npm run db:diff -- <snake_case_name>");
  for (const [db, file] of Object.entries(schemas())) {
    const dir = join(root, "prisma/migrations", db);
    mkdirSync(dir, { recursive: true });
    const snapshot = join(dir, "schema.snapshot.prisma");
    const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
    const sql = prisma(["migrate", "diff", ...from, "--to-schema-datamodel", file, "--script"], file);
    if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
      console.log(`prisma: no ${db} changes`);
      continue;
    }
    const n = readdirSync(dir).filter((d) => /^\d{4}_/.test(d)).length + 1;
    const out = join(dir, `${String(n).padStart(4, "0")}_${name}`);
    mkdirSync(out);
    writeFileSync(join(out, "migration.sql"), sql);
    writeFileSync(snapshot, readFileSync(file, "utf8"));
    console.log(`prisma: wrote ${out}/migration.sql`);
  }
} else {
  console.error("usage: node scripts/prisma.mjs generate | diff NAME");
  process.exit(2);
}
