import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFetchError } from "./errors";
import { checkLiteralHost, policyLookup, type ResolvedAddress, type Resolver } from "./policy";

const admin = { origin: "admin" as const, blockPrivateNetwork: false };
const adminBlocked = { origin: "admin" as const, blockPrivateNetwork: true };

/** A resolver from a fixed table: what a hostile or misconfigured DNS answers. */
const table =
  (names: Record<string, ResolvedAddress[]>): Resolver =>
  async (host) => {
    const r = names[host];
    if (!r) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return r;
  };
const DNS = table({
  "metadata-alias.test": [{ address: "169.254.169.254", family: 4 }],
  "mixed.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "fe80::1", family: 6 },
  ],
  "loopback.test": [
    { address: "127.0.0.1", family: 4 },
    { address: "::1", family: 6 },
  ],
});

const lookup = (host: string, policy: typeof admin, options: { all?: boolean; family?: number } = {}) =>
  new Promise<{ err: NodeJS.ErrnoException | null; address?: unknown; family?: number }>((resolve) =>
    policyLookup(policy, DNS)(
      host,
      options as never,
      ((err: NodeJS.ErrnoException | null, address?: unknown, family?: number) =>
        resolve({ err, address, family })) as never,
    ),
  );

describe("policyLookup (connect-time address check)", () => {
  it("refuses a host name that resolves to a metadata address: DNS cannot bypass the policy", async () => {
    const r = await lookup("metadata-alias.test", admin);
    expect(isFetchError(r.err) && r.err.code).toBe("fetch_blocked_address");
    expect(r.err?.message).toContain(
      "metadata-alias.test resolves to 169.254.169.254, which is a cloud metadata address",
    );
  });

  it("refuses the whole host when one of its addresses is refused", async () => {
    const r = await lookup("mixed.test", admin, { all: true });
    expect(isFetchError(r.err) && r.err.address).toBe("fe80::1");
  });

  it("passes allowed addresses on, in both lookup forms", async () => {
    expect(await lookup("loopback.test", admin)).toEqual({ err: null, address: "127.0.0.1", family: 4 });
    expect(await lookup("loopback.test", admin, { family: 6 })).toEqual({ err: null, address: "::1", family: 6 });
    expect((await lookup("loopback.test", admin, { all: true })).address).toEqual([
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ]);
  });

  it("refuses loopback when PORTCULLIS_BLOCK_PRIVATE_NETWORK is on", async () => {
    const r = await lookup("loopback.test", adminBlocked);
    expect(r.err?.message).toContain("is a loopback address and PORTCULLIS_BLOCK_PRIVATE_NETWORK is on");
  });

  it("passes DNS failures through unchanged", async () => {
    expect((await lookup("nowhere.test", admin)).err?.code).toBe("ENOTFOUND");
  });
});

describe("checkLiteralHost (Node skips lookup for IP literals)", () => {
  it("refuses link-local and metadata literals always, private ones only with the switch", () => {
    expect(checkLiteralHost("169.254.169.254", admin)?.message).toContain("which is a cloud metadata address");
    expect(checkLiteralHost("fe80::1", admin)?.code).toBe("fetch_blocked_address");
    expect(checkLiteralHost("127.0.0.1", admin)).toBeUndefined();
    expect(checkLiteralHost("127.0.0.1", adminBlocked)?.message).toContain("PORTCULLIS_BLOCK_PRIVATE_NETWORK is on");
    expect(checkLiteralHost("example.com", adminBlocked)).toBeUndefined();
  });
});

describe("an http.Agent with policyLookup", () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (host: string, policy: typeof admin) =>
    new Promise<string>((resolve, reject) => {
      const agent = new http.Agent({ lookup: policyLookup(policy, DNS) });
      http
        .get({ host, port, path: "/", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(String(res.statusCode)));
        })
        .on("error", reject)
        .on("close", () => agent.destroy());
    });

  it("connects through allowed names and refuses the rest before any connection", async () => {
    expect(await get("loopback.test", admin)).toBe("200");
    const before = hits;
    await expect(get("loopback.test", adminBlocked)).rejects.toMatchObject({ code: "fetch_blocked_address" });
    await expect(get("metadata-alias.test", admin)).rejects.toMatchObject({ code: "fetch_blocked_address" });
    expect(hits).toBe(before);
  });
});
