// An /authorize flood, replayed against the real gateway: 10,000 requests from one address through one client
// used to fill the pending-flow cap, and everyone else then got temporarily_unavailable. Now the flood runs into
// the limits per address and per client (shared by replicas), consent pages are capped apart from IdP round trips,
// and another client from another address still signs in. (127.0.0.0/8 is all loopback: 127.0.0.x act as other
// client machines.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { pkcePair, type Gateway, type Idp } from "./support";
import { parseConsentForm, startStdFacade } from "./oauth-helpers";
import { rawRequest } from "./rs-support";
import { AUTHORIZE_ADDRESS_LIMIT } from "../lib/admin/rate-limit";

autoCleanup();

const ATTACKER_CB = "https://attacker.example/cb";
const VICTIM_CB = "http://127.0.0.1:45333/cb";
const FLOOD = 10_000;

describe("facade: an /authorize flood", () => {
  let idp: Idp;
  let gw: Gateway;

  beforeAll(async () => {
    ({ idp, gw } = await startStdFacade());
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  const register = async (redirect: string, localAddress: string) => {
    const r = await rawRequest(`${gw.url}/oauth/std/register`, {
      method: "POST",
      localAddress,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: [redirect], token_endpoint_auth_method: "none" }),
    });
    expect(r.status, r.text).toBe(201);
    return r.json().client_id as string;
  };
  const authorizeUrl = (clientId: string, redirect: string) =>
    `${gw.url}/oauth/std/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirect,
      code_challenge: pkcePair().challenge,
      code_challenge_method: "S256",
      scope: "mcp:read",
      state: "s",
    })}`;

  it("stops one address and one client, and leaves everyone else able to sign in", async () => {
    const attacker = await register(ATTACKER_CB, "127.0.0.1");
    const url = authorizeUrl(attacker, ATTACKER_CB);

    // 10,000 GET /authorize from one address through one client, 50 at a time.
    const statuses = new Map<number, number>();
    let sent = 0;
    const started = Date.now();
    const worker = async () => {
      while (sent < FLOOD) {
        sent++;
        const r = await fetch(url, { redirect: "manual" });
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    const seconds = (Date.now() - started) / 1000;
    const pages = statuses.get(200) ?? 0;
    expect(pages).toBeGreaterThanOrEqual(AUTHORIZE_ADDRESS_LIMIT.capacity);
    expect(pages).toBeLessThanOrEqual(
      AUTHORIZE_ADDRESS_LIMIT.capacity + Math.ceil(seconds * AUTHORIZE_ADDRESS_LIMIT.refillPerSecond),
    );
    expect(statuses.get(429)).toBe(FLOOD - pages);

    // The same client from other addresses runs into the client's own limit.
    const fromElsewhere: string[] = [];
    for (let host = 3; host <= 9; host++) {
      for (let i = 0; i < 40; i++) {
        const r = await rawRequest(url, { localAddress: `127.0.0.${host}` });
        fromElsewhere.push(
          r.status === 302 ? `302 ${new URL(String(r.headers.location)).searchParams.get("error")}` : String(r.status),
        );
      }
    }
    expect(fromElsewhere).toContain("302 temporarily_unavailable");
    expect(fromElsewhere.filter((s) => s !== "200" && s !== "302 temporarily_unavailable")).toEqual([]);

    // Another client, from another address: consent page, approval, on to the IdP.
    const victim = await register(VICTIM_CB, "127.0.0.2");
    const page = await rawRequest(authorizeUrl(victim, VICTIM_CB), { localAddress: "127.0.0.2" });
    expect(page.status).toBe(200);
    const form = parseConsentForm(page.text)!;
    const approved = await rawRequest(form.action, {
      method: "POST",
      localAddress: "127.0.0.2",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: gw.url,
        cookie: String(page.headers["set-cookie"]![0]).split(";")[0],
      },
      body: new URLSearchParams({ ...form.fields, decision: "approve" }).toString(),
    });
    expect(approved.status).toBe(303);
    expect(String(approved.headers.location).startsWith(idp.authorizationEndpoint)).toBe(true);
  });
});
