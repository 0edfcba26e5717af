import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError } from "./errors";
import { fetchJson } from "./fetch-json";
import type { Resolver } from "./policy";
import { safeFetch } from "./safe-fetch";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function listen(handler: Handler) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { server, hits, base: `http://127.0.0.1:${port}`, port };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "no error";
  } catch (e) {
    expect(e).toBeInstanceOf(FetchError);
    return (e as FetchError).code;
  }
}

const admin = { origin: "admin" as const, blockPrivateNetwork: false };

let main: Awaited<ReturnType<typeof listen>>;
let other: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  main = await listen((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    switch (u.pathname) {
      case "/json":
        res.setHeader("content-type", "application/jwk-set+json");
        res.end(JSON.stringify({ keys: [] }));
        return;
      case "/html":
        res.setHeader("content-type", "text/html");
        res.end("<html>login</html>");
        return;
      case "/badjson":
        res.setHeader("content-type", "application/json");
        res.end("{nope");
        return;
      case "/status":
        res.statusCode = 503;
        res.end("down");
        return;
      case "/slow":
        setTimeout(() => res.end("late"), 2_000);
        return;
      case "/big-declared":
        res.setHeader("content-length", String(2 * 1024 * 1024));
        res.write("x");
        return;
      case "/big-streamed": {
        // No content-length: chunked; the cap must trip while streaming.
        const chunk = Buffer.alloc(64 * 1024, 120);
        let sent = 0;
        const pump = () => {
          while (sent < 4 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return res.once("drain", pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case "/redirect-same":
        res.statusCode = 302;
        res.setHeader("location", "/json");
        res.end();
        return;
      case "/redirect-loop":
        res.statusCode = 302;
        res.setHeader("location", `/redirect-loop?n=${Number(u.searchParams.get("n") ?? 0) + 1}`);
        res.end();
        return;
      case "/redirect-other":
        res.statusCode = 302;
        res.setHeader("location", `${other.base}/json`);
        res.end();
        return;
      default:
        res.statusCode = 404;
        res.end();
    }
  });
  other = await listen((_req, res) => res.end("{}"));
});

afterAll(() => {
  main.server.close();
  other.server.close();
});

describe("safeFetch", () => {
  it("fetches an admin-configured loopback URL", async () => {
    const r = await safeFetch(`${main.base}/json`, admin);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ keys: [] });
    expect(r.address).toBe("127.0.0.1");
  });

  it("refuses loopback for admin URLs when blockPrivateNetwork is on, without connecting", async () => {
    const before = main.hits.length;
    expect(await codeOf(safeFetch(`${main.base}/json`, { ...admin, blockPrivateNetwork: true }))).toBe(
      "fetch_blocked_address",
    );
    expect(main.hits.length).toBe(before);
  });

  it("reads blockPrivateNetwork from PORTCULLIS_BLOCK_PRIVATE_NETWORK by default", async () => {
    process.env.PORTCULLIS_BLOCK_PRIVATE_NETWORK = "true";
    try {
      expect(await codeOf(safeFetch(`${main.base}/json`, { origin: "admin" }))).toBe("fetch_blocked_address");
    } finally {
      delete process.env.PORTCULLIS_BLOCK_PRIVATE_NETWORK;
    }
  });

  it("never lets a client-supplied URL reach loopback", async () => {
    const before = main.hits.length;
    const err = await safeFetch(`${main.base}/json`, { origin: "client" }).catch((e: FetchError) => e);
    expect((err as FetchError).code).toBe("fetch_blocked_address");
    expect((err as FetchError).message).toContain(`${main.base}/json`);
    expect(main.hits.length).toBe(before);
  });

  it("checks every resolved address: one metadata address blocks the host", async () => {
    const resolver: Resolver = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ];
    expect(await codeOf(safeFetch("http://idp.test/jwks", { ...admin, resolver }))).toBe("fetch_blocked_address");
  });

  it("blocks the metadata host name before resolving it", async () => {
    let resolved = false;
    const resolver: Resolver = async () => ((resolved = true), [{ address: "93.184.216.34", family: 4 }]);
    expect(await codeOf(safeFetch("http://metadata.google.internal/computeMetadata/v1/", { ...admin, resolver }))).toBe(
      "fetch_blocked_address",
    );
    expect(resolved).toBe(false);
  });

  it("blocks literal link-local and metadata IPs for admin URLs", async () => {
    expect(await codeOf(safeFetch("http://169.254.169.254/latest/meta-data/", admin))).toBe("fetch_blocked_address");
    expect(await codeOf(safeFetch("http://[fd00:ec2::254]/", admin))).toBe("fetch_blocked_address");
    expect(await codeOf(safeFetch("http://[fe80::1]/", admin))).toBe("fetch_blocked_address");
  });

  it("pins the connection to the checked address (resolves once per hop)", async () => {
    let lookups = 0;
    const resolver: Resolver = async () => (lookups++, [{ address: "127.0.0.1", family: 4 }]);
    const r = await safeFetch(`http://idp.test:${main.port}/json`, { ...admin, resolver });
    expect(r.status).toBe(200);
    expect(lookups).toBe(1);
  });

  it("times out slow responses", async () => {
    const t0 = Date.now();
    expect(await codeOf(safeFetch(`${main.base}/slow`, { ...admin, timeoutMs: 150 }))).toBe("fetch_timeout");
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("rejects a declared oversize body before reading it", async () => {
    expect(await codeOf(safeFetch(`${main.base}/big-declared`, admin))).toBe("fetch_too_large");
  });

  it("aborts a streamed body as soon as it exceeds the cap", async () => {
    expect(await codeOf(safeFetch(`${main.base}/big-streamed`, { ...admin, maxBytes: 100_000 }))).toBe(
      "fetch_too_large",
    );
  });

  it("follows same-origin redirects", async () => {
    const r = await safeFetch(`${main.base}/redirect-same`, admin);
    expect(r.status).toBe(200);
    expect(r.redirects).toBe(1);
    expect(r.url).toBe(`${main.base}/json`);
  });

  it("stops after maxRedirects", async () => {
    expect(await codeOf(safeFetch(`${main.base}/redirect-loop`, admin))).toBe("fetch_too_many_redirects");
    const before = main.hits.filter((h) => h.startsWith("/redirect-loop")).length;
    await safeFetch(`${main.base}/redirect-loop`, { ...admin, maxRedirects: 1 }).catch(() => undefined);
    expect(main.hits.filter((h) => h.startsWith("/redirect-loop")).length - before).toBe(2);
  });

  it("refuses a redirect to another origin without contacting it", async () => {
    const before = other.hits.length;
    expect(await codeOf(safeFetch(`${main.base}/redirect-other`, admin))).toBe("fetch_redirect_cross_origin");
    expect(other.hits.length).toBe(before);
  });

  it("reports connection failures as fetch_network", async () => {
    const dead = await listen(() => undefined);
    dead.server.close();
    expect(await codeOf(safeFetch(`${dead.base}/`, admin))).toBe("fetch_network");
  });

  it("rejects non-http schemes and URLs with credentials", async () => {
    expect(await codeOf(safeFetch("file:///etc/passwd", admin))).toBe("fetch_invalid_url");
    expect(await codeOf(safeFetch(`http://user:pw@127.0.0.1:${main.port}/json`, admin))).toBe("fetch_invalid_url");
  });

  it("honours an outer abort signal", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(await codeOf(safeFetch(`${main.base}/slow`, { ...admin, signal: ac.signal }))).toBe("fetch_aborted");
  });
});

describe("fetchJson", () => {
  it("parses a +json document", async () => {
    const { data } = await fetchJson(`${main.base}/json`, admin);
    expect(data).toEqual({ keys: [] });
  });

  it("rejects an HTML page by content type", async () => {
    expect(await codeOf(fetchJson(`${main.base}/html`, admin))).toBe("fetch_content_type");
  });

  it("rejects a body that is not JSON", async () => {
    expect(await codeOf(fetchJson(`${main.base}/badjson`, admin))).toBe("fetch_invalid_json");
  });

  it("rejects non-2xx statuses with the status", async () => {
    const err = (await fetchJson(`${main.base}/status`, admin).catch((e: unknown) => e)) as FetchError;
    expect(err.code).toBe("fetch_http_status");
    expect(err.status).toBe(503);
    expect(err.message).toBe(`${main.base}/status: HTTP 503`);
  });
});
