/**
 * The client's-eye self-test: replay, step by step, what an MCP client (the
 * official SDK's `auth()`) does before it can get a token, and report the
 * first step that breaks.
 *
 *  1. POST the MCP URL without a token            → 401 + `WWW-Authenticate: Bearer`
 *  2. read `resource_metadata` from the challenge
 *  3. fetch that metadata URL                      → RFC 9728 JSON
 *  4. fetch the path-inserted metadata URL         → same document
 *  5. `resource` equals the MCP URL
 *  6. `authorization_servers` names an AS
 *  7. discover the AS in the SDK's order: RFC 8414 path-inserted, OIDC
 *     path-inserted, OIDC path-appended (root forms when the issuer has no path)
 *  8. the AS metadata's `issuer` echoes the AS URL
 *  9. PKCE S256 is supported
 * 10. a client can register (DCR endpoint) — a warning only
 *
 * Requests to the gateway's own public URL are sent to its loopback listener
 * with the public Host, so the test works behind TLS proxies and split DNS;
 * everything else (the IdP in direct mode) goes through lib/net's safe fetch.
 * Framework-free: used by `POST /api/servers/[name]/selftest`.
 */
import http from "node:http";
import { safeFetch } from "../net/safe-fetch";
import { errorMessage as msg } from "../errors";

export type StepStatus = "pass" | "fail" | "warn" | "skip";
export type SelftestStep = {
  id: string;
  title: string;
  status: StepStatus;
  detail: string;
  url?: string;
  expected?: string;
  actual?: string;
  hint?: string;
};
export type SelftestReport = {
  server: string;
  publicBase: string;
  mcpUrl: string;
  ok: boolean;
  /** id of the first failing step, highlighted by the console. */
  firstFailure?: string;
  steps: SelftestStep[];
  ranAt: string;
};

export type HttpResult = { status: number; headers: Headers; body: string };
export type SelftestFetch = (
  url: string,
  init?: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string },
) => Promise<HttpResult>;

export type SelftestOptions = {
  server: string;
  /** The public base the client uses (the server's public URL, PUBLIC_URL, or the console's address). */
  publicBase: string;
  /** `http://127.0.0.1:PORT` — where this gateway listens. */
  loopback: string;
  /** The server's MCP URL at that public base. */
  mcpUrl: string;
  timeoutMs?: number;
  /** Injectable for tests. */
  fetch?: SelftestFetch;
};

const INIT_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "portcullis-selftest", version: "1" },
  },
});

export async function runSelftest(opts: SelftestOptions): Promise<SelftestReport> {
  const get = opts.fetch ?? defaultFetch(opts.publicBase, opts.loopback, opts.timeoutMs ?? 5000);
  const steps: SelftestStep[] = [];
  const add = (s: SelftestStep) => (steps.push(s), s);
  const report = (): SelftestReport => {
    const first = steps.find((s) => s.status === "fail");
    return {
      server: opts.server,
      publicBase: opts.publicBase,
      mcpUrl: opts.mcpUrl,
      ok: !first,
      firstFailure: first?.id,
      steps,
      ranAt: new Date().toISOString(),
    };
  };
  const skipRest = (ids: Array<[string, string]>) =>
    ids.forEach(([id, title]) => add({ id, title, status: "skip", detail: "not reached" }));
  const REST: Array<[string, string]> = [
    ["challenge", "WWW-Authenticate names the metadata"],
    ["metadata_header", "Metadata at the challenge's URL"],
    ["metadata_path", "Metadata at the path-inserted URL"],
    ["resource", "resource equals the MCP URL"],
    ["authorization_servers", "An authorization server is named"],
    ["as_discovery", "Authorization-server metadata discovered"],
    ["issuer", "issuer echoes the authorization-server URL"],
    ["pkce", "PKCE S256 supported"],
    ["registration", "Clients can register"],
  ];
  const skipFrom = (id: string) => skipRest(REST.slice(REST.findIndex(([x]) => x === id)));

  // 1. The unauthenticated request.
  let first: HttpResult;
  try {
    first = await get(opts.mcpUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18",
      },
      body: INIT_BODY,
    });
  } catch (e) {
    add({
      id: "unauthenticated",
      title: "MCP URL answers 401 without a token",
      status: "fail",
      url: opts.mcpUrl,
      detail: `request failed: ${msg(e)}`,
      hint: "Is the gateway reachable at this public URL?",
    });
    skipFrom("challenge");
    return report();
  }
  const challenge = first.headers.get("www-authenticate");
  if (first.status !== 401) {
    add({
      id: "unauthenticated",
      title: "MCP URL answers 401 without a token",
      status: "fail",
      url: opts.mcpUrl,
      expected: "401",
      actual: String(first.status),
      detail:
        first.status >= 200 && first.status < 300
          ? "the server answered without a token: clients will never start OAuth (auth: none, or enforcement optional/permissive)"
          : `unexpected status ${first.status}`,
      hint:
        first.status === 404 || (first.status >= 300 && first.status < 400)
          ? "The gateway does not route this URL to the server: check its path and public URL."
          : undefined,
    });
    skipFrom("challenge");
    return report();
  }
  add({
    id: "unauthenticated",
    title: "MCP URL answers 401 without a token",
    status: "pass",
    url: opts.mcpUrl,
    detail: "401 Unauthorized",
  });

  // 2. The challenge.
  const params = parseBearerChallenge(challenge);
  if (!params) {
    add({
      id: "challenge",
      title: "WWW-Authenticate names the metadata",
      status: "fail",
      expected: 'Bearer resource_metadata="…"',
      actual: challenge ?? "(missing)",
      detail: "no Bearer challenge",
    });
    skipFrom("metadata_header");
    return report();
  }
  const headerMdUrl = params.resource_metadata;
  add({
    id: "challenge",
    title: "WWW-Authenticate names the metadata",
    status: headerMdUrl ? "pass" : "warn",
    actual: challenge ?? "",
    detail: headerMdUrl
      ? `resource_metadata=${headerMdUrl}`
      : "no resource_metadata parameter: clients fall back to the well-known URL",
  });

  // 3 + 4. The metadata, at both URLs the SDK tries.
  const pathMdUrl = pathInserted(opts.mcpUrl, "/.well-known/oauth-protected-resource");
  let prm: Record<string, unknown> | undefined;
  const fetchDoc = async (url: string) => {
    const r = await get(url, { headers: { accept: "application/json" } });
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    const j = JSON.parse(r.body) as unknown;
    if (!j || typeof j !== "object" || Array.isArray(j)) throw new Error("not a JSON object");
    return j as Record<string, unknown>;
  };
  if (headerMdUrl) {
    try {
      prm = await fetchDoc(headerMdUrl);
      add({
        id: "metadata_header",
        title: "Metadata at the challenge's URL",
        status: "pass",
        url: headerMdUrl,
        detail: "200, JSON document",
      });
    } catch (e) {
      add({
        id: "metadata_header",
        title: "Metadata at the challenge's URL",
        status: "fail",
        url: headerMdUrl,
        detail: msg(e),
        hint: "The URL in WWW-Authenticate must be reachable by clients: check the public URL / PUBLIC_URL / TRUSTED_PROXIES.",
      });
    }
  } else {
    add({
      id: "metadata_header",
      title: "Metadata at the challenge's URL",
      status: "skip",
      detail: "no URL in the challenge",
    });
  }
  try {
    const doc = await fetchDoc(pathMdUrl);
    const same = !prm || JSON.stringify(doc) === JSON.stringify(prm);
    prm ??= doc;
    add({
      id: "metadata_path",
      title: "Metadata at the path-inserted URL",
      status: same ? "pass" : "warn",
      url: pathMdUrl,
      detail: same ? "200, same document" : "200, but a different document than the challenge's URL",
    });
  } catch (e) {
    add({
      id: "metadata_path",
      title: "Metadata at the path-inserted URL",
      status: prm ? "warn" : "fail",
      url: pathMdUrl,
      detail: msg(e),
    });
  }
  if (!prm) {
    skipFrom("resource");
    return report();
  }

  // 5. resource equality.
  const resource = typeof prm.resource === "string" ? prm.resource : undefined;
  add(
    resource === opts.mcpUrl
      ? { id: "resource", title: "resource equals the MCP URL", status: "pass", detail: resource }
      : {
          id: "resource",
          title: "resource equals the MCP URL",
          status: "fail",
          expected: opts.mcpUrl,
          actual: resource ?? "(missing)",
          detail: "clients refuse metadata whose resource is not the URL they connected to",
          hint: "Add the URL clients use to the server's public URLs, or set PUBLIC_URL / TRUSTED_PROXIES so the gateway knows its external address.",
        },
  );

  // 6. authorization_servers.
  const servers = Array.isArray(prm.authorization_servers)
    ? prm.authorization_servers.filter((x): x is string => typeof x === "string")
    : [];
  if (!servers.length) {
    add({
      id: "authorization_servers",
      title: "An authorization server is named",
      status: "fail",
      actual: JSON.stringify(prm.authorization_servers ?? null),
      detail: "authorization_servers is missing or empty",
    });
    skipFrom("as_discovery");
    return report();
  }
  const asUrl = servers[0];
  add({ id: "authorization_servers", title: "An authorization server is named", status: "pass", detail: asUrl });

  // 7. AS discovery in the SDK's order.
  const attempts = asMetadataUrls(asUrl);
  let asDoc: Record<string, unknown> | undefined;
  let asDocUrl: string | undefined;
  const tried: string[] = [];
  for (const u of attempts) {
    try {
      asDoc = await fetchDoc(u);
      asDocUrl = u;
      break;
    } catch (e) {
      tried.push(`${u} → ${msg(e)}`);
    }
  }
  if (!asDoc) {
    add({
      id: "as_discovery",
      title: "Authorization-server metadata discovered",
      status: "fail",
      detail: `none of the ${attempts.length} URLs an MCP client tries answered: ${tried.join("; ")}`,
      hint: "In direct mode the IdP must publish RFC 8414 or OIDC metadata at these places; proxy mode publishes them for you.",
    });
    skipFrom("issuer");
    return report();
  }
  add({
    id: "as_discovery",
    title: "Authorization-server metadata discovered",
    status: "pass",
    url: asDocUrl,
    detail: tried.length
      ? `found after ${tried.length} miss${tried.length === 1 ? "" : "es"}`
      : "found at the first URL",
  });

  // 8. issuer echo.
  const issuer = typeof asDoc.issuer === "string" ? asDoc.issuer : undefined;
  add(
    issuer === asUrl
      ? { id: "issuer", title: "issuer echoes the authorization-server URL", status: "pass", detail: issuer }
      : {
          id: "issuer",
          title: "issuer echoes the authorization-server URL",
          status: "fail",
          expected: asUrl,
          actual: issuer ?? "(missing)",
          detail:
            issuer && issuer.replace(/\/+$/, "") === asUrl.replace(/\/+$/, "")
              ? "differs only by a trailing slash"
              : "clients reject metadata whose issuer differs",
          hint: "Use mode proxy (the gateway's facade echoes correctly), or fix the issuer.",
        },
  );

  // 9. PKCE.
  const methods = Array.isArray(asDoc.code_challenge_methods_supported)
    ? (asDoc.code_challenge_methods_supported as unknown[])
    : undefined;
  add(
    methods?.includes("S256")
      ? {
          id: "pkce",
          title: "PKCE S256 supported",
          status: "pass",
          detail: `code_challenge_methods_supported: ${methods.join(", ")}`,
        }
      : {
          id: "pkce",
          title: "PKCE S256 supported",
          status: "fail",
          expected: "S256 in code_challenge_methods_supported",
          actual: methods ? methods.join(", ") || "(empty)" : "(not advertised)",
          detail: "MCP clients refuse authorization servers that do not advertise S256",
          hint: "Use mode proxy: the facade advertises S256.",
        },
  );

  // 10. Registration.
  add(
    typeof asDoc.registration_endpoint === "string"
      ? { id: "registration", title: "Clients can register", status: "pass", detail: asDoc.registration_endpoint }
      : {
          id: "registration",
          title: "Clients can register",
          status: "warn",
          detail: "no registration_endpoint: clients need a pre-registered client id",
        },
  );
  return report();
}

/** `Bearer a="b", c="d"` → { a: "b", c: "d" }, or null when not a Bearer challenge. */
export function parseBearerChallenge(header: string | null | undefined): Record<string, string> | null {
  if (!header) return null;
  const m = /(?:^|,\s*)Bearer(?:\s+(.*))?$/i.exec(header.trim());
  if (!m) return null;
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let p: RegExpExecArray | null; (p = re.exec(m[1] ?? ""));)
    out[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
  return out;
}

/** RFC 8414 / 9728 insertion: `https://h/a/b` + `/.well-known/x` → `https://h/.well-known/x/a/b`. */
export function pathInserted(url: string, wellKnown: string): string {
  const u = new URL(url);
  const path = u.pathname === "/" ? "" : u.pathname.replace(/\/+$/, "");
  return new URL(`${wellKnown}${path}`, u.origin).href;
}

/** The SDK's order (discoverAuthorizationServerMetadata). */
export function asMetadataUrls(issuer: string): string[] {
  const u = new URL(issuer);
  const hasPath = u.pathname !== "/" && u.pathname !== "";
  if (!hasPath)
    return [
      new URL("/.well-known/oauth-authorization-server", u.origin).href,
      new URL("/.well-known/openid-configuration", u.origin).href,
    ];
  const trimmed = u.pathname.replace(/\/+$/, "");
  return [
    pathInserted(issuer, "/.well-known/oauth-authorization-server"),
    pathInserted(issuer, "/.well-known/openid-configuration"),
    new URL(`${trimmed}/.well-known/openid-configuration`, u.origin).href,
  ];
}

/** Public-base URLs go to our own listener with the public Host; the rest through safeFetch. */
function defaultFetch(publicBase: string, loopback: string, timeoutMs: number): SelftestFetch {
  const pub = new URL(publicBase);
  const own = new URL(loopback);
  return async (url, init = {}) => {
    const target = new URL(url);
    if (target.origin === pub.origin) return loopbackRequest(own, target, init, timeoutMs);
    const r = await safeFetch(target, {
      origin: "admin",
      method: init.method,
      headers: init.headers,
      body: init.body,
      timeoutMs,
      maxBytes: 256 * 1024,
    });
    return { status: r.status, headers: r.headers, body: r.body.toString("utf8") };
  };
}

function loopbackRequest(
  own: URL,
  target: URL,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
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
          if (size > 256 * 1024) {
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
    req.on("error", (e) =>
      reject(e.name === "AbortError" || e.name === "TimeoutError" ? new Error(`no answer within ${timeoutMs} ms`) : e),
    );
    req.end(init.body);
  });
}
