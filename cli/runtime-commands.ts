/**
 * CLI commands that need the gateway's runtime services (token verification,
 * discovery): they build a runtime without listening on any port.
 */
import { parseEnv } from "../lib/config/env";
import { createLogger } from "../lib/log";
import { createRuntime } from "../lib/runtime/create-runtime";
import type { Runtime } from "../lib/runtime/types";

type Out = { json: boolean; out: (s: string) => void };

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const env = parseEnv();
  // A diagnostic command re-applies no config file and never touches the admin account.
  const rt = await createRuntime(
    { ...env, PORTCULLIS_CONFIG: undefined },
    { logger: createLogger("silent"), bootstrapAdmin: false },
  );
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export async function runInspect(server: string, token: string, o: Out): Promise<number> {
  return withRuntime(async (rt) => {
    const { inspectToken, formatDiagnosis } = await import("../lib/inspect");
    const result = await inspectToken(rt, { server, token });
    o.out(o.json ? JSON.stringify(result, null, 2) : formatDiagnosis(result));
    return result.diagnosis.verdict === "accept" ? 0 : 1;
  });
}

export async function runDiscover(provider: string, o: Out): Promise<number> {
  return withRuntime(async (rt) => {
    const { discoverProvider, formatDiscoveryReport } = await import("../lib/providers");
    const p = rt.config.current().providers.get(provider);
    if (!p) {
      o.out(`error: provider "${provider}" does not exist`);
      return 2;
    }
    const report = await discoverProvider(p, { env: rt.env });
    o.out(o.json ? JSON.stringify(report, null, 2) : formatDiscoveryReport(report));
    return 0;
  });
}
