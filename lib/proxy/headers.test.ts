import { describe, expect, it } from "vitest";
import {
  connectionTokens,
  headerSafe,
  clientResponseHeaders,
  setsGatewayCookie,
  UPSTREAM_CONTENT_POLICY,
  upstreamRequestHeaders,
  withoutGatewayCookies,
  type UpstreamHeaderOptions,
} from "./headers";

/** What every proxied response carries, whatever the upstream sent. */
const SANDBOX = { "content-security-policy": UPSTREAM_CONTENT_POLICY, "x-content-type-options": "nosniff" };

const fwd: UpstreamHeaderOptions["forwarded"] = { for: "10.0.0.9", proto: "https", host: "mcp.example.com" };
const incoming = {
  host: "gw.example.com",
  authorization: "Bearer client-token",
  cookie: "portcullis_session=s; __Host-portcullis_csrf=c; app=1",
  connection: "keep-alive, X-Secret-Hop",
  "x-secret-hop": "1",
  "keep-alive": "timeout=5",
  "transfer-encoding": "chunked",
  te: "trailers",
  upgrade: "websocket",
  "proxy-authorization": "Basic x",
  expect: "100-continue",
  "x-portcullis-subject": "admin",
  "x-portcullis-scopes": "everything",
  "x-forwarded-host": "evil.example",
  forwarded: "host=evil.example",
  "accept-encoding": "gzip",
  "mcp-session-id": "abc",
  "content-type": "application/json",
};

describe("upstreamRequestHeaders", () => {
  it("oauth: strips credentials, hop-by-hop, Connection-named and client identity headers; adds ours", () => {
    const h = upstreamRequestHeaders(incoming, {
      mode: "oauth",
      upstreamAuth: { header: "X-Api-Key", value: "k" },
      identity: { subject: "alice", client: "app", scopes: ["read", "write"] },
      forwarded: fwd,
    });
    expect(h).toEqual({
      "mcp-session-id": "abc",
      "content-type": "application/json",
      "accept-encoding": "identity",
      "x-forwarded-for": "10.0.0.9",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "mcp.example.com",
      "x-api-key": "k",
      "x-portcullis-subject": "alice",
      "x-portcullis-client": "app",
      "x-portcullis-scopes": "read write",
    });
  });

  it("none: strips credentials, adds no identity", () => {
    const h = upstreamRequestHeaders(incoming, { mode: "none", forwarded: fwd });
    expect(h.authorization).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(h["x-portcullis-subject"]).toBeUndefined();
  });

  it("passthrough: keeps Authorization and the upstream's cookies, never the gateway's", () => {
    const h = upstreamRequestHeaders(incoming, { mode: "passthrough", forwarded: fwd });
    expect(h.authorization).toBe("Bearer client-token");
    expect(h.cookie).toBe("app=1");
    expect(h["x-portcullis-subject"]).toBeUndefined();
    expect(h["x-secret-hop"]).toBeUndefined();
  });

  it("drops a client-sent value of the upstream credential header even when no value is stored", () => {
    const h = upstreamRequestHeaders(
      { "x-api-key": "guess" },
      { mode: "oauth", upstreamAuth: { header: "X-Api-Key" }, forwarded: fwd },
    );
    expect(h["x-api-key"]).toBeUndefined();
  });

  it("appends the peer to a trusted X-Forwarded-For chain and sets the prefix", () => {
    const h = upstreamRequestHeaders({}, { mode: "none", forwarded: { ...fwd, priorFor: "1.2.3.4", prefix: "/gw" } });
    expect(h["x-forwarded-for"]).toBe("1.2.3.4, 10.0.0.9");
    expect(h["x-forwarded-prefix"]).toBe("/gw");
  });

  it("makes identity values header-safe", () => {
    const h = upstreamRequestHeaders(
      {},
      { mode: "oauth", identity: { subject: "a\r\nSet-Cookie: x", scopes: [] }, forwarded: fwd },
    );
    expect(h["x-portcullis-subject"]).toBe("a%0D%0ASet-Cookie%3A%20x");
    expect(headerSafe("ok value")).toBe("ok value");
    expect(headerSafe("x".repeat(2000)).length).toBe(1024);
  });
});

describe("response and cookie helpers", () => {
  it("strips hop-by-hop and Connection-named response headers and disables proxy buffering", () => {
    const h: Record<string, string> = {
      connection: "close, x-internal",
      "x-internal": "1",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      "content-type": "text/event-stream",
    };
    expect(clientResponseHeaders(h)).toEqual({
      "content-type": "text/event-stream",
      "x-accel-buffering": "no",
      ...SANDBOX,
    });
    expect(clientResponseHeaders({ connection: "Keep-Alive", "keep-alive": "timeout=5", "x-a": "1" })).toEqual({
      "x-a": "1",
      "x-accel-buffering": "no",
      ...SANDBOX,
    });
  });

  it("adds CORS headers unless the upstream sent its own", () => {
    const cors = {
      "access-control-allow-origin": "https://app.example",
      "access-control-expose-headers": "mcp-session-id",
    };
    expect(clientResponseHeaders({ "content-type": "application/json" }, cors)).toEqual({
      "content-type": "application/json",
      ...cors,
      "x-accel-buffering": "no",
      ...SANDBOX,
    });
    expect(clientResponseHeaders({ "access-control-allow-origin": "*" }, cors)).toEqual({
      "access-control-allow-origin": "*",
      "x-accel-buffering": "no",
      ...SANDBOX,
    });
  });

  it("sandboxes upstream content: its own CSP and nosniff are replaced, origin-wide headers are dropped", () => {
    const h = clientResponseHeaders({
      "content-type": "text/html",
      "content-security-policy": "script-src *",
      "x-content-type-options": "sniff-please",
      "clear-site-data": '"cookies", "storage"',
      nel: '{"report_to":"evil","max_age":31536000,"include_subdomains":true,"success_fraction":1}',
      "report-to": '{"group":"evil","max_age":31536000,"endpoints":[{"url":"https://evil.example/r"}]}',
      "reporting-endpoints": 'evil="https://evil.example/r"',
    });
    expect(h).toEqual({ "content-type": "text/html", "x-accel-buffering": "no", ...SANDBOX });
    expect(UPSTREAM_CONTENT_POLICY).toBe("sandbox; default-src 'none'; frame-ancestors 'none'");
  });

  it("drops the upstream's Set-Cookie lines that would set or delete a gateway cookie, keeps the others", () => {
    const h = clientResponseHeaders({
      "set-cookie": [
        "portcullis_session=evil; Path=/",
        "__Host-portcullis_oauth_browser=evil; Path=/; Secure",
        "__secure-Portcullis_session=evil; Secure",
        "PORTCULLIS_NEW_ONE=x",
        "  portcullis_session=padded",
        "=portcullis_session=nameless",
        "portcullis_session",
        "portcullis_session=; Max-Age=0",
        "affinity=node-2; Path=/mcp; HttpOnly",
        "my_portcullis=1",
      ],
    });
    expect(h["set-cookie"]).toEqual(["affinity=node-2; Path=/mcp; HttpOnly", "my_portcullis=1"]);
    expect(clientResponseHeaders({ "set-cookie": ["portcullis_session=x"] })).not.toHaveProperty("set-cookie");
  });

  it("names a gateway cookie by the parsed cookie name, not by a pattern over the line", () => {
    expect(setsGatewayCookie("portcullis_session=x")).toBe(true);
    expect(setsGatewayCookie("__Host-Http-portcullis_x=1")).toBe(true);
    expect(setsGatewayCookie("a=1; Path=/portcullis_session")).toBe(false);
    expect(setsGatewayCookie("a=portcullis_session")).toBe(false);
    expect(setsGatewayCookie("__Host-other=portcullis")).toBe(false);
  });

  it("parses Connection tokens and drops only gateway cookies", () => {
    expect(connectionTokens(["a, B", "c"])).toEqual(["a", "b", "c"]);
    expect(withoutGatewayCookies("portcullis_session=1")).toBeUndefined();
    expect(withoutGatewayCookies("a=1; Portcullis_x=2; b=2")).toBe("a=1; b=2");
  });
});
