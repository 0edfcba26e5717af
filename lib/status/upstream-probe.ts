/**
 * A cheap "does the upstream answer MCP?" probe for the servers list: one
 * JSON-RPC `ping` POSTed to the upstream URL with a short deadline, reading no
 * body. An MCP endpoint answers it (200, or 400 when it wants a session first,
 * or 401/403 when it does its own auth); 404/405/410 mean the URL is not an
 * MCP endpoint, 3xx that it moved, 5xx that it is broken. The address policy is
 * the same as every other admin-configured fetch (lib/net).
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { blockPrivateNetworkFromEnv, resolveAllowed, systemResolver, type ResolvedAddress } from "../net/policy";

export type ProbeResult = {
  /** Something answered HTTP. */
  reachable: boolean;
  /** It answered the way an MCP endpoint does. */
  healthy: boolean;
  status?: number;
  /** One line for the console: what the answer means. */
  detail: string;
  ms: number;
  error?: string;
  checkedAt: string;
};

const PING = JSON.stringify({ jsonrpc: "2.0", id: "portcullis-probe", method: "ping" });

/** What an HTTP status from the upstream's MCP URL says about it. `credential`: the gateway sends one. */
export function judgeStatus(status: number, opts: { credential?: boolean } = {}): { healthy: boolean; detail: string } {
  if (status >= 500) return { healthy: false, detail: `HTTP ${status}: the upstream is failing` };
  if (status === 404 || status === 410)
    return { healthy: false, detail: `HTTP ${status}: no MCP endpoint at this URL (check the path)` };
  if (status === 405)
    return { healthy: false, detail: "HTTP 405: this URL does not take POST, so it is not an MCP endpoint" };
  if (status >= 300 && status < 400)
    return { healthy: false, detail: `HTTP ${status}: the URL redirects; configure the final address` };
  if ((status === 401 || status === 403) && opts.credential)
    return { healthy: false, detail: `HTTP ${status}: the upstream refuses the configured credential` };
  if (status === 401 || status === 403)
    return { healthy: true, detail: `HTTP ${status}: answers, and does its own authentication` };
  if (status === 400) return { healthy: true, detail: "HTTP 400: answers MCP (asks for a session first)" };
  return { healthy: true, detail: `HTTP ${status}: answers MCP` };
}

export async function probeUpstream(
  upstream: string,
  opts: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<ProbeResult> {
  const started = performance.now();
  const done = (r: Omit<ProbeResult, "ms" | "checkedAt">): ProbeResult => ({
    ...r,
    ms: Math.round(performance.now() - started),
    checkedAt: new Date().toISOString(),
  });
  const down = (error: string) => done({ reachable: false, healthy: false, error, detail: `unreachable: ${error}` });
  const timeoutMs = opts.timeoutMs ?? 2500;
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return down("not a valid URL");
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
    return down((e as Error).message);
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
        method: "POST",
        agent: false,
        lookup,
        signal,
        headers: {
          ...opts.headers,
          "user-agent": "portcullis-probe",
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "content-length": Buffer.byteLength(PING),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        resolve(done({ reachable: true, status, ...judgeStatus(status, { credential: Boolean(opts.headers) }) }));
        res.destroy();
      },
    );
    req.on("error", (e) =>
      resolve(
        down(signal.aborted ? `no answer within ${timeoutMs} ms` : ((e as NodeJS.ErrnoException).code ?? e.message)),
      ),
    );
    req.end(PING);
  });
}
