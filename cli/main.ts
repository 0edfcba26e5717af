/**
 * portcullis — command line. Talks to the database directly (DATABASE_URL, same
 * default as the server; a relative file: path resolves against the project
 * directory, whatever directory the command runs from); a running gateway picks
 * changes up within seconds. Each command first names the database it uses.
 * Read-only commands (export, inspect, discover) never create a database.
 * Exit codes: 0 ok; 1 rejected (the file is invalid, the token is rejected, discovery found errors);
 * 2 usage or runtime error (bad arguments or environment, unreadable file, unknown name, no database).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { parseEnv, type Env } from "../lib/config/env";
import { AppError, errorMessage, isAppError } from "../lib/errors";
import { openDatabase } from "../lib/runtime/create-runtime";
import { parseDatabaseUrl, redactDatabaseUrl } from "../lib/db/url";
import { migrate } from "../lib/db/migrate";
import { applyConfigText, exportConfigText, type ApplyResult } from "../lib/config/apply";
import { formatFieldChange } from "../lib/config/entity-diff";
import { describeCleanup } from "../lib/oauth/cleanup-counts";
import { cleanUpBeforeProviderDeletes, clientAdminDeps } from "../lib/oauth/clients-admin";
import { runInspect, runDiscover } from "./runtime-commands";

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : s + "\n");
const err = (s: string) => process.stderr.write(s.endsWith("\n") ? s : s + "\n");

/** The answer is "no" (invalid file, rejected token, discovery errors): exit 1, after printing why. */
class Rejected extends Error {}

function readInput(file: string): string {
  try {
    return file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : errorMessage(e);
    throw new AppError("bad_request", `cannot read ${file === "-" ? "standard input" : resolve(file)}: ${why}`);
  }
}

/**
 * The environment, and which database it selects: said first on stdout, or on stderr when stdout carries
 * machine-read output (export's YAML, --json).
 */
function environment(machineOutput = false): Env {
  const env = parseEnv();
  const target = parseDatabaseUrl(env.DATABASE_URL);
  (machineOutput ? err : out)(`database: ${target.kind === "sqlite" ? target.file : redactDatabaseUrl(target.url)}`);
  return env;
}

function printSummary(s: ApplyResult<unknown>, dryRun: boolean) {
  const line = (label: string, xs: string[]) => xs.length && out(`${label}: ${xs.join(", ")}`);
  line(dryRun ? "would create" : "created", s.created);
  line(dryRun ? "would update" : "updated", s.updated);
  for (const [label, changes] of Object.entries(s.fieldChanges ?? {})) {
    out(`  ${label}:`);
    for (const c of changes) out(`    ${formatFieldChange(c)}`);
  }
  line(dryRun ? "would delete" : "deleted", s.deleted);
  line("unchanged", s.unchanged);
  const omitted = Object.values(s.fieldChanges ?? {})
    .flat()
    .filter((c) => c.omitted).length;
  if (omitted)
    out(
      `note: apply replaces each entry whole: ${omitted} field${omitted === 1 ? " is" : "s are"} not in the file and ${dryRun ? "would be" : "were"} reset to ${omitted === 1 ? "its default" : "their defaults"}. To keep a value, write it in the file (\`portcullis export\` prints the current entries in full).`,
    );
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
      const target = parseDatabaseUrl(environment().DATABASE_URL);
      const r = await migrate(target);
      out(
        `${redactDatabaseUrl(target.url)}: ${r.applied.length ? `applied ${r.applied.join(", ")}` : "up to date"} (${r.alreadyApplied.length} already applied)`,
      );
    });

  program
    .command("apply")
    .description(
      "validate a YAML config file and apply it in one transaction (nothing is applied if any entry is invalid). Each entry replaces the stored one whole: a field left out is reset to its default",
    )
    .requiredOption("-f, --file <file>", "YAML file, or - for standard input")
    .option("--prune", "delete providers and servers that are not in the file")
    .option("--dry-run", "validate against the database and report what would change, field by field, without applying")
    .option(
      "--keep-idp-clients",
      "with --prune: leave the clients of deleted providers' clients at the IdP (by default they are deleted there first)",
    )
    .action(async (opts: { file: string; prune?: boolean; dryRun?: boolean; keepIdpClients?: boolean }) => {
      if (opts.keepIdpClients && !opts.prune)
        throw new AppError("bad_request", "--keep-idp-clients only applies with --prune");
      const text = readInput(opts.file);
      const env = environment();
      const store = await openDatabase(env);
      try {
        const s = await applyConfigText(store.config, text, {
          prune: opts.prune,
          dryRun: opts.dryRun,
          actor: "cli",
          beforeDeletingProviders: opts.keepIdpClients
            ? undefined
            : cleanUpBeforeProviderDeletes(clientAdminDeps({ db: store.db, secrets: store.secrets, env }), {
                actor: "cli",
                keepHint: "apply with --keep-idp-clients",
              }),
        }).catch((e: unknown) => {
          if (isAppError(e) && e.code === "validation_failed") {
            printAppError(e);
            throw new Rejected();
          }
          throw e;
        });
        printSummary(s, Boolean(opts.dryRun));
        for (const [p, counts] of Object.entries(s.idpClients ?? {}))
          out(`clients of provider/${p}: ${describeCleanup(counts)}`);
        out(opts.dryRun ? "dry run: nothing applied" : `config version ${s.version}`);
      } finally {
        await store.db.$disconnect();
      }
    });

  program
    .command("export")
    .description(
      "print the stored configuration as YAML (secrets are not exported; the same config prints the same bytes)",
    )
    .action(async () => {
      const store = await openDatabase(environment(true), undefined, { existing: true });
      try {
        out(await exportConfigText(store.config));
      } finally {
        await store.db.$disconnect();
      }
    });

  program
    .command("inspect")
    .description(
      "diagnose an access token for a server: every check, expected vs actual, and the fix (exit 0 accepted, 1 rejected, 2 when it cannot tell)",
    )
    .requiredOption("-s, --server <name>", "virtual server name")
    .argument("[token]", "the token, or - to read it from standard input (safer: keeps it out of shell history)")
    .option(
      "-u, --url <url>",
      "the public base URL clients use (e.g. https://mcp.example.com): the server's resource URL, an accepted audience, derives from it (default: the server's public URLs and PUBLIC_URL)",
    )
    .option("--json", "print the diagnosis as JSON")
    .action(async (token: string | undefined, opts: { server: string; url?: string; json?: boolean }) => {
      const raw = !token || token === "-" ? readInput("-") : token;
      if (!raw.trim())
        throw new AppError("bad_request", "no token: pass it as an argument, or - and on standard input");
      const env = environment(Boolean(opts.json));
      process.exitCode = await runInspect(env, opts.server, raw.trim(), {
        json: Boolean(opts.json),
        url: opts.url,
        out,
        err,
      });
    });

  program
    .command("discover")
    .description(
      "fetch an identity provider's discovery documents and JWKS, and report what it supports (exit 1 when it reports errors)",
    )
    .requiredOption("-p, --provider <name>", "provider name")
    .option("--json", "print the report as JSON")
    .action(async (opts: { provider: string; json?: boolean }) => {
      process.exitCode = await runDiscover(environment(Boolean(opts.json)), opts.provider, {
        json: Boolean(opts.json),
        out,
        err,
      });
    });

  return program;
}

function printAppError(e: AppError) {
  err(`error: ${e.message}`);
  for (const f of e.fields ?? []) err(`  ${f.path}: ${f.message}`);
}

async function main(argv: string[]) {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof Rejected) {
      process.exitCode = 1;
      return;
    }
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isAppError(e)) printAppError(e);
    else err(`error: ${(e as Error)?.stack ?? e}`);
    process.exitCode = 2;
  }
}

await main(process.argv);
