// Several replicas on one PostgreSQL: every step of a flow may land on another gateway process
// (register on B, authorize on A, consent on B, callback on A, token on B), and a state replayed
// against the other replica is still refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import pgClient from "pg";
import { autoCleanup } from "./support/hooks";
import {
  completeLogin,
  CookieJar,
  freePort,
  pkcePair,
  sendUntilRefused,
  skipWithoutPostgres,
  startGateway,
  startIdp,
  startMcpServer,
  startPostgres,
  type Gateway,
  type Idp,
  type TestPostgres,
} from "./support";
import { consentHook, facadeConfig, jwtClaims } from "./oauth-helpers";
import { REGISTRATION_LIMIT } from "../lib/admin/rate-limit";

autoCleanup();

const REDIRECT = "http://127.0.0.1:41777/cb";

describe.skipIf(skipWithoutPostgres())("facade: two replicas on one PostgreSQL", () => {
  let pg: TestPostgres;
  let idp: Idp;
  let a: Gateway;
  let b: Gateway;
  let publicUrl: string;

  beforeAll(async () => {
    pg = await startPostgres();
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    // Behind a load balancer both replicas share one public URL (so one facade issuer and callback).
    const portA = await freePort();
    publicUrl = `http://127.0.0.1:${portA}`;
    const env = {
      DATABASE_URL: pg.url,
      PUBLIC_URL: publicUrl,
      PORTCULLIS_SECRET_KEY: randomBytes(32).toString("base64url"),
    };
    const config = facadeConfig(
      {
        name: "std",
        kind: "generic",
        issuer: idp.issuer,
        clientId: idp.clients.gateway.clientId,
        clientSecret: idp.clients.gateway.clientSecret,
      },
      { upstream: upstream.url },
    );
    a = await startGateway({ env, config, port: portA });
    b = await startGateway({ env, config });
    await idp.setRedirectUris([`${publicUrl}/oauth/std/callback`]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await idp?.close();
    await pg?.stop();
  });

  /** The same path on replica B (the load balancer's choice). */
  const onB = (u: string) => {
    const x = new URL(u);
    return `${b.url}${x.pathname}${x.search}`;
  };

  it("shares the registration rate limit: 30 registrations spread over both replicas, the 31st is refused on either", async () => {
    const register = (gw: Gateway) =>
      gw.fetch("/oauth/std/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          redirect_uris: [REDIRECT],
          token_endpoint_auth_method: "none",
          client_name: "limit test",
        }),
      });
    // Every test on this file registers from 127.0.0.1: start from a full bucket, and leave one.
    const fullBuckets = async () => {
      const c = new pgClient.Client({ connectionString: pg.url });
      await c.connect();
      await c.query(`DELETE FROM "RateLimit"`).finally(() => c.end());
    };
    await fullBuckets();
    // Alternating replicas until the first refusal: one shared bucket allows 30 (plus what refilled while
    // sending); a bucket per replica would allow 60.
    const burst = await sendUntilRefused((i) => register(i % 2 ? a : b), REGISTRATION_LIMIT);
    expect(burst.allowed).toBeGreaterThanOrEqual(30);
    expect(burst.allowed).toBeLessThanOrEqual(burst.maxAllowed);
    // The refusal holds on both replicas.
    expect((await register(a)).status).toBe(429);
    expect((await register(b)).status).toBe(429);
    await fullBuckets();
  });

  it("starts the flow on one replica and finishes it on the other", async () => {
    // Register on B.
    const reg = await b.fetch("/oauth/std/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: "none",
        client_name: "replica test",
      }),
    });
    expect(reg.status).toBe(201);
    const { client_id } = (await reg.json()) as { client_id: string };

    // Authorize on A; the consent form is posted to B; the IdP's callback is delivered to A.
    const pk = pkcePair();
    const authz = new URL(`${a.url}/oauth/std/authorize`);
    for (const [k, v] of Object.entries({
      response_type: "code",
      client_id,
      redirect_uri: REDIRECT,
      code_challenge: pk.challenge,
      code_challenge_method: "S256",
      state: "rs",
      scope: "mcp:read",
      resource: `${publicUrl}/servers/tools/mcp`,
    })) {
      authz.searchParams.set(k, v);
    }
    const jar = new CookieJar();
    const approveOnB = consentHook("approve");
    const login = await completeLogin(authz.href, {
      redirectUri: `${publicUrl}/oauth/std/callback`,
      jar,
      onPage: async (page) => {
        const next = await approveOnB(page);
        if (!next) return undefined;
        // Same browser (cookie host differs between replicas on loopback: copy it over).
        const cookie = jar.header(page.url);
        return {
          url: onB(next.url),
          init: {
            ...next.init,
            headers: {
              ...(next.init!.headers as Record<string, string>),
              origin: publicUrl,
              ...(cookie ? { cookie } : {}),
            },
          },
        };
      },
    });
    expect(login.error).toBeUndefined();
    // publicUrl = replica A; the callback arrives in the browser that consented (its cookie).
    const cb = await fetch(login.callbackUrl, {
      redirect: "manual",
      headers: { cookie: jar.header(login.callbackUrl)! },
    });
    expect(cb.status).toBe(302);
    const relayed = new URL(cb.headers.get("location")!);
    expect(relayed.searchParams.get("state")).toBe("rs");
    expect(relayed.searchParams.get("iss")).toBe(`${publicUrl}/oauth/std`);
    const code = relayed.searchParams.get("code")!;

    // The same state replayed on B is refused: single use across replicas.
    const replay = await fetch(onB(login.callbackUrl), { redirect: "manual" });
    expect(replay.status).toBe(400);
    expect(replay.headers.get("location")).toBeNull();

    // Token on B.
    const tok = await b.fetch("/oauth/std/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
        client_id,
        code_verifier: pk.verifier,
        resource: `${publicUrl}/servers/tools/mcp`,
      }).toString(),
    });
    const body = (await tok.json()) as Record<string, string>;
    expect(tok.status, JSON.stringify(body)).toBe(200);
    expect(jwtClaims(body.access_token).aud).toBe(`${publicUrl}/servers/tools/mcp`);
  });
});
