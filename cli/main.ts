/**
 * portcullis — command line. Talks to the database directly (DATABASE_URL, same
 * default as the server); a running gateway picks changes up within seconds.
 * Exit codes: 0 ok, 1 rejected/invalid (validation errors, token rejected), 2 usage or runtime error.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { parseEnv } from "../lib/config/env";
import { AppError, isAppError } from "../lib/errors";
import { openDatabase } from "../lib/runtime/create-runtime";
import { parseDatabaseUrl, redactDatabaseUrl } from "../lib/db/url";
import { migrate } from "../lib/db/migrate";
import { applyConfigText, exportConfigText } from "../lib/config/apply";
import { describeCleanup } from "../lib/oauth/cleanup-counts";
import { cleanUpBeforeProviderDeletes, clientAdminDeps } from "../lib/oauth/clients-admin";
import { runInspect, runDiscover } from "./runtime-commands";

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : s + "\n");
const err = (s: string) => process.stderr.write(s.endsWith("\n") ? s : s + "\n");

function readInput(file: string): string {
  return file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
}

export function buildProgram() {
  const program = new Command()
    .name("portcullis")
    .description("Portcullis MCP authorization gateway — configuration and diagnostics")
    .exitOverride()
    .showHelpAfterError();

  program
    .command("migrate")
    .description("apply pending database migrations (also done automatically at server start)")
    .action(async () => {
      const env = parseEnv();
      const target = parseDatabaseUrl(env.DATABASE_URL);
      const r = await migrate(target);
      out(
        `${redactDatabaseUrl(target.url)}: ${r.applied.length ? `applied ${r.applied.join(", ")}` : "up to date"} (${r.alreadyApplied.length} already applied)`,
      );
    });

  program
    .command("apply")
    .description(
      "validate a YAML config file and apply it in one transaction (nothing is applied if any entry is invalid)",
    )
    .requiredOption("-f, --file <file>", "YAML file, or - for standard input")
    .option("--prune", "delete providers and servers that are not in the file")
    .option("--dry-run", "validate against the database and report what would change, without applying")
    .option(
      "--keep-idp-clients",
      "with --prune: leave the clients of deleted providers' clients at the IdP (by default they are deleted there first)",
    )
    .action(async (opts: { file: string; prune?: boolean; dryRun?: boolean; keepIdpClients?: boolean }) => {
      if (opts.keepIdpClients && !opts.prune)
        throw new AppError("bad_request", "--keep-idp-clients only applies with --prune");
      const env = parseEnv();
      const store = await openDatabase(env);
      try {
        const s = await applyConfigText(store.config, readInput(opts.file), {
          prune: opts.prune,
          dryRun: opts.dryRun,
          actor: "cli",
          beforeDeletingProviders: opts.keepIdpClients
            ? undefined
            : cleanUpBeforeProviderDeletes(clientAdminDeps({ db: store.db, secrets: store.secrets, env }), {
                actor: "cli",
                keepHint: "apply with --keep-idp-clients",
              }),
        });
        const line = (label: string, xs: string[]) => xs.length && out(`${label}: ${xs.join(", ")}`);
        line(opts.dryRun ? "would create" : "created", s.created);
        line(opts.dryRun ? "would update" : "updated", s.updated);
        line(opts.dryRun ? "would delete" : "deleted", s.deleted);
        line("unchanged", s.unchanged);
        for (const [p, counts] of Object.entries(s.idpClients ?? {}))
          out(`clients of provider/${p}: ${describeCleanup(counts)}`);
        out(opts.dryRun ? "dry run: nothing applied" : `config version ${s.version}`);
      } finally {
        await store.db.$disconnect();
      }
    });

  program
    .command("export")
    .description("print the stored configuration as YAML (secrets are not exported)")
    .action(async () => {
      const store = await openDatabase(parseEnv());
      try {
        out(await exportConfigText(store.config));
      } finally {
        await store.db.$disconnect();
      }
    });

  program
    .command("inspect")
    .description(
      "diagnose an access token for a server: every check, expected vs actual, and the fix (exit 0 accepted, 1 rejected)",
    )
    .requiredOption("-s, --server <name>", "virtual server name")
    .argument("[token]", "the token, or - to read it from standard input (safer: keeps it out of shell history)")
    .option("--json", "print the diagnosis as JSON")
    .action(async (token: string | undefined, opts: { server: string; json?: boolean }) => {
      const raw = !token || token === "-" ? readFileSync(0, "utf8") : token;
      process.exitCode = await runInspect(opts.server, raw.trim(), { json: Boolean(opts.json), out });
    });

  program
    .command("discover")
    .description("fetch an identity provider's discovery documents and JWKS, and report what it supports")
    .requiredOption("-p, --provider <name>", "provider name")
    .option("--json", "print the report as JSON")
    .action(async (opts: { provider: string; json?: boolean }) => {
      process.exitCode = await runDiscover(opts.provider, { json: Boolean(opts.json), out });
    });

  return program;
}

async function main(argv: string[]) {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isAppError(e)) {
      err(`error: ${e.message}`);
      for (const f of e.fields ?? []) err(`  ${f.path}: ${f.message}`);
      process.exitCode = e.code === "validation_failed" ? 1 : 2;
      return;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") err(`error: ${(e as Error).message}`);
    else err(`error: ${(e as Error).stack ?? e}`);
    process.exitCode = 2;
  }
}

await main(process.argv);
