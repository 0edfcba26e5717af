/**
 * The self-test's HTTP client. Requests to the gateway's own public URL are
 * sent to its loopback listener with the public Host, so the test works
 * behind TLS proxies and split DNS; everything else (the IdP in direct mode)
 * goes through lib/net's safe fetch.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { safeFetch } from "../net/safe-fetch";
import { connectionKey } from "../runtime/request-log";
import type { HttpResult, SelftestFetch } from "./types";

const MAX_BODY_BYTES = 256 * 1024;

/**
 * Public-base URLs go to our own listener with the public Host; the rest through safeFetch. The client end
 * of each own connection is in `selfConnections` while it is open, so the live log marks its requests.
 */
export function defaultFetch(
  publicBase: string,
  loopback: string,
  timeoutMs: number,
  selfConnections?: Set<string>,
): SelftestFetch {
  const pub = new URL(publicBase);
  const own = new URL(loopback);
  return async (url, init = {}) => {
    const target = new URL(url);
    if (target.origin === pub.origin) return loopbackRequest(own, target, init, timeoutMs, selfConnections);
    const r = await safeFetch(target, {
      origin: "admin",
      method: init.method,
      headers: init.headers,
      body: init.body,
      timeoutMs,
      maxBytes: MAX_BODY_BYTES,
    });
    return { status: r.status, headers: r.headers, body: r.body.toString("utf8") };
  };
}

function loopbackRequest(
  own: URL,
  target: URL,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
  selfConnections?: Set<string>,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: own.hostname.replace(/^\[|\]$/g, ""),
        port: own.port,
        path: target.pathname + target.search,
        method: init.method ?? "GET",
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          ...init.headers,
          host: target.host,
          "user-agent": "portcullis-selftest",
          ...(target.protocol === "https:" ? { "x-forwarded-proto": "https" } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            res.destroy();
            reject(new Error("response too large"));
          } else chunks.push(c);
        });
        res.on("end", () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    if (selfConnections)
      req.once("socket", (socket: Socket) =>
        socket.once("connect", () => {
          const end = connectionKey(socket.localAddress, socket.localPort);
          selfConnections.add(end);
          socket.once("close", () => selfConnections.delete(end));
        }),
      );
    req.on("error", (e) =>
      reject(e.name === "AbortError" || e.name === "TimeoutError" ? new Error(`no answer within ${timeoutMs} ms`) : e),
    );
    req.end(init.body);
  });
}
