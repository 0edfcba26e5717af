/**
 * Outbound HTTP for everything the gateway fetches (JWKS, discovery, client
 * metadata). Built on node:http/https rather than global fetch because only
 * they let us pin the socket to the addresses we already checked (`lookup`
 * option) without an extra undici dependency: the host is resolved once,
 * every address is checked against the policy, and the connection can only
 * use those addresses, so DNS rebinding cannot slip past the check.
 *
 * Rules: one deadline for the whole exchange (DNS, connect, redirects, body);
 * a streamed size cap (the socket is destroyed as soon as it is exceeded);
 * redirects followed by hand, same origin only, at most `maxRedirects`.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { FetchError } from "./errors";
import { clientSpan, tracingOn } from "../tracing/tracer";
import {
  blockPrivateNetworkFromEnv,
  resolveAllowed,
  systemResolver,
  type FetchOrigin,
  type ResolvedAddress,
  type Resolver,
} from "./policy";

export type SafeFetchOptions = {
  /** Who chose the URL (admin config or a client); decides private-network access. */
  origin: FetchOrigin;
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Deadline for the whole exchange, redirects and body included. Default 5 s. */
  timeoutMs?: number;
  /** Response body cap in bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Same-origin redirects followed. Default 3. */
  maxRedirects?: number;
  /** Default: PORTCULLIS_BLOCK_PRIVATE_NETWORK from the environment. */
  blockPrivateNetwork?: boolean;
  signal?: AbortSignal;
  /** DNS resolver; injectable for tests. */
  resolver?: Resolver;
};

export type SafeResponse = {
  /** Final URL after redirects. */
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
  redirects: number;
  /** The address the final hop connected to. */
  address: string;
};

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function safeFetch(input: string | URL, opts: SafeFetchOptions): Promise<SafeResponse> {
  if (!tracingOn()) return fetchWithPolicy(input, opts);
  const url = parseUrl(input);
  return clientSpan(opts.method ?? "GET", url, opts.headers ?? {}, (headers) =>
    fetchWithPolicy(url, { ...opts, headers }),
  );
}

async function fetchWithPolicy(input: string | URL, opts: SafeFetchOptions): Promise<SafeResponse> {
  let url = parseUrl(input);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const policy = { origin: opts.origin, blockPrivateNetwork: opts.blockPrivateNetwork ?? blockPrivateNetworkFromEnv() };
  const resolver = opts.resolver ?? systemResolver;

  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new FetchError("fetch_timeout", url, `timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  timer.unref?.();
  const onOuterAbort = () => deadline.abort(new FetchError("fetch_aborted", url, "request aborted"));
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });

  let method = opts.method ?? "GET";
  let body = opts.body;
  try {
    for (let redirects = 0; ; redirects++) {
      const addresses = await abortable(resolveAllowed(url, policy, resolver), deadline.signal);
      const res = await requestOnce(url, addresses, { ...opts, method, body }, deadline.signal);
      if (!REDIRECT_STATUSES.has(res.status)) return { ...res, url: url.href, redirects };

      const location = res.headers.get("location");
      if (!location) return { ...res, url: url.href, redirects };
      const next = parseUrl(location, url);
      if (next.origin !== url.origin) {
        throw new FetchError("fetch_redirect_cross_origin", url, `redirect to another origin (${next.origin}) refused`);
      }
      if (redirects >= maxRedirects) {
        throw new FetchError("fetch_too_many_redirects", url, `more than ${maxRedirects} redirects`);
      }
      // RFC 9110 §15.4: 303 (and, by long practice, 301/302 after POST) continue as GET.
      if (res.status === 303 || (method === "POST" && res.status !== 307 && res.status !== 308)) {
        method = "GET";
        body = undefined;
      }
      url = next;
    }
  } catch (e) {
    if (e instanceof FetchError) throw e;
    const reason: unknown = deadline.signal.reason;
    if (deadline.signal.aborted && reason instanceof FetchError) throw reason;
    throw new FetchError("fetch_network", url, `network error: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
}

function parseUrl(input: string | URL, base?: URL): URL {
  let u: URL;
  try {
    u = new URL(String(input), base);
  } catch {
    throw new FetchError("fetch_invalid_url", String(input), "not a valid URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new FetchError("fetch_invalid_url", u, `unsupported scheme ${u.protocol}`);
  }
  if (u.username || u.password) throw new FetchError("fetch_invalid_url", u, "URLs with credentials are not fetched");
  return u;
}

/** Hands node:net only the pre-checked addresses (handles both `all` and single lookups). */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, a: unknown, f?: number) => void;
    const wanted =
      options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    if (wanted.length === 0)
      return cb(Object.assign(new Error("no address of the requested family"), { code: "ENOTFOUND" }), undefined);
    if (options.all)
      cb(
        null,
        wanted.map((a) => ({ address: a.address, family: a.family })),
      );
    else cb(null, wanted[0].address, wanted[0].family);
  };
}

type Hop = Omit<SafeResponse, "url" | "redirects">;

function requestOnce(
  url: URL,
  addresses: ResolvedAddress[],
  opts: SafeFetchOptions,
  signal: AbortSignal,
): Promise<Hop> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    const fail = (e: unknown) => {
      req.destroy();
      reject(signal.aborted && signal.reason instanceof FetchError ? signal.reason : e);
    };
    const req = mod.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: url.pathname + url.search,
        method: opts.method,
        headers: { "accept-encoding": "identity", "user-agent": "portcullis", ...opts.headers },
        lookup: pinnedLookup(addresses),
        agent: false, // one connection per fetch: these are rare, and pooled sockets would outlive the policy check
        signal,
      },
      (res) => {
        const address = res.socket?.remoteAddress ?? addresses[0].address;
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > maxBytes) {
          return fail(
            new FetchError("fetch_too_large", url, `response of ${declared} bytes exceeds the ${maxBytes}-byte limit`),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            fail(new FetchError("fetch_too_large", url, `response exceeds the ${maxBytes}-byte limit`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", fail);
        res.on("end", () => {
          if (size > maxBytes) return;
          resolve({
            status: res.statusCode ?? 0,
            headers: toHeaders(res.headers),
            body: Buffer.concat(chunks),
            address,
          });
        });
      },
    );
    req.on("error", fail);
    req.end(opts.body);
  });
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) h.append(k, item);
  }
  return h;
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
