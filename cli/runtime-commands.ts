/**
 * CLI commands that need the gateway's runtime services (token verification,
 * discovery): they build a runtime without listening on any port, on an
 * existing database only.
 */
import type { Env } from "../lib/config/env";
import { baseUrlSchema } from "../lib/config/schema";
import { parseOrThrow } from "../lib/config/field-errors";
import { AppError } from "../lib/errors";
import { createLogger } from "../lib/log";
import { createRuntime } from "../lib/runtime/create-runtime";
import type { Runtime } from "../lib/runtime/types";

type Out = { json: boolean; out: (s: string) => void; err: (s: string) => void };

async function withRuntime<T>(env: Env, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  // A diagnostic command re-applies no config file, never touches the admin account, creates no database,
  // and leaves the clean-ups to the server.
  const rt = await createRuntime(
    { ...env, PORTCULLIS_CONFIG: undefined },
    { logger: createLogger("silent"), bootstrapAdmin: false, existingDatabase: true, housekeeping: false },
  );
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** 0 accepted, 1 rejected, 2 undetermined (the resource URL is unknown and the audience decides). */
export async function runInspect(env: Env, server: string, token: string, o: Out & { url?: string }): Promise<number> {
  const requestBase = o.url === undefined ? undefined : new URL(parseOrThrow(baseUrlSchema, o.url, "--url"));
  return withRuntime(env, async (rt) => {
    const { inspectToken, formatDiagnosis } = await import("../lib/inspect");
    const result = await inspectToken(rt, { server, token, requestBase });
    o.out(o.json ? JSON.stringify(result, null, 2) : formatDiagnosis(result));
    if (result.undetermined) {
      o.err(`cannot tell: ${result.undetermined}`);
      return 2;
    }
    return result.diagnosis.verdict === "accept" ? 0 : 1;
  });
}

export async function runDiscover(env: Env, provider: string, o: Out): Promise<number> {
  return withRuntime(env, async (rt) => {
    const { discoverProvider, formatDiscoveryReport } = await import("../lib/providers");
    const p = rt.config.current().providers.get(provider);
    if (!p) throw new AppError("not_found", `provider "${provider}" does not exist`);
    const report = await discoverProvider(p, { env: rt.env });
    o.out(o.json ? JSON.stringify(report, null, 2) : formatDiscoveryReport(report));
    const errors = report.problems.filter((x) => x.severity === "error").length;
    if (report.ok) return 0;
    o.err(`discovery found ${errors} error${errors === 1 ? "" : "s"}`);
    return 1;
  });
}
