/**
 * A cheap "is the upstream up?" probe for the servers list: one HEAD request
 * with a short deadline, reading no body. Any HTTP answer (even 404/405) means
 * reachable; only connection errors and timeouts mean down. The address policy
 * is the same as every other admin-configured fetch (lib/net).
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { blockPrivateNetworkFromEnv, resolveAllowed, systemResolver, type ResolvedAddress } from "../net/policy";

export type ProbeResult = { reachable: boolean; status?: number; ms: number; error?: string; checkedAt: string };

export async function probeUpstream(upstream: string, opts: { timeoutMs?: number } = {}): Promise<ProbeResult> {
  const started = performance.now();
  const done = (r: Omit<ProbeResult, "ms" | "checkedAt">): ProbeResult => ({
    ...r,
    ms: Math.round(performance.now() - started),
    checkedAt: new Date().toISOString(),
  });
  const timeoutMs = opts.timeoutMs ?? 2500;
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return done({ reachable: false, error: "not a valid URL" });
  }
  const signal = AbortSignal.timeout(timeoutMs);
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveAllowed(
      url,
      { origin: "admin", blockPrivateNetwork: blockPrivateNetworkFromEnv() },
      systemResolver,
    );
  } catch (e) {
    return done({ reachable: false, error: (e as Error).message });
  }
  return new Promise((resolve) => {
    const mod = url.protocol === "https:" ? https : http;
    const lookup: LookupFunction = (_host, options, cb) => {
      const a = addresses[0];
      if ((options as { all?: boolean }).all)
        (cb as unknown as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
      else cb(null, a.address, a.family);
    };
    const req = mod.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: url.pathname + url.search,
        method: "HEAD",
        agent: false,
        lookup,
        signal,
        headers: { "user-agent": "portcullis-probe" },
      },
      (res) => {
        resolve(done({ reachable: true, status: res.statusCode }));
        res.destroy();
      },
    );
    req.on("error", (e) => {
      const msg = signal.aborted
        ? `no answer within ${timeoutMs} ms`
        : ((e as NodeJS.ErrnoException).code ?? e.message);
      resolve(done({ reachable: false, error: msg }));
    });
    req.end();
  });
}
