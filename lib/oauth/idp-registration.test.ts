import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteIdpRegistration, registrationFromResponse, type IdpDeleteError } from "./idp-registration";

describe("registrationFromResponse", () => {
  const endpoint = "https://idp.example/realms/a/clients-registrations/openid-connect";
  it("keeps the client configuration endpoint and token when the IdP returns both on its own origin", () => {
    expect(
      registrationFromResponse(
        {
          registration_client_uri: "https://idp.example/realms/a/clients-registrations/openid-connect/c1",
          registration_access_token: "rat",
        },
        endpoint,
      ),
    ).toEqual({
      uri: "https://idp.example/realms/a/clients-registrations/openid-connect/c1",
      token: "rat",
    });
  });
  it("ignores a missing or empty half, a malformed URI and another origin (the token would be sent there)", () => {
    expect(registrationFromResponse({ registration_access_token: "rat" }, endpoint)).toBeUndefined();
    expect(
      registrationFromResponse(
        { registration_client_uri: "https://idp.example/x", registration_access_token: "" },
        endpoint,
      ),
    ).toBeUndefined();
    expect(
      registrationFromResponse({ registration_client_uri: "not a url", registration_access_token: "rat" }, endpoint),
    ).toBeUndefined();
    expect(
      registrationFromResponse(
        { registration_client_uri: "https://evil.example/reg/c1", registration_access_token: "rat" },
        endpoint,
      ),
    ).toBeUndefined();
    expect(
      registrationFromResponse(
        { registration_client_uri: "http://idp.example/reg/c1", registration_access_token: "rat" },
        endpoint,
      ),
    ).toBeUndefined();
  });
});

describe("deleteIdpRegistration", () => {
  const seen: Array<{ method?: string; url?: string; authorization?: string }> = [];
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      res.statusCode = Number(req.url!.split("/").pop());
      if (res.statusCode >= 300 && res.statusCode < 400) res.setHeader("location", "/reg/204"); // never followed
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/reg`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const del = (status: number) =>
    deleteIdpRegistration({ uri: `${base}/${status}`, token: "rat" }, { blockPrivateNetwork: false });

  it("sends DELETE with the registration access token, and reads 2xx as deleted", async () => {
    expect(await del(204)).toBe("deleted");
    expect(seen.at(-1)).toEqual({ method: "DELETE", url: "/reg/204", authorization: "Bearer rat" });
  });
  it("reads 404 and 410 as already gone", async () => {
    expect(await del(404)).toBe("already_gone");
    expect(await del(410)).toBe("already_gone");
  });

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => "no error",
      (e: IdpDeleteError) => `${e.retryable ? "retryable" : "final"}: ${e.message}`,
    );
  it("fails for a refusal (a revoked token's 401 included: the client may still be there) without suggesting a retry", async () => {
    expect(await failure(del(401))).toBe(
      "final: the identity provider answered HTTP 401 (it refused the registration access token: the client may already be gone, or the token was revoked)",
    );
    expect(await failure(del(403))).toBe(
      "final: the identity provider answered HTTP 403 (it does not allow deleting this client)",
    );
    expect(await failure(del(405))).toBe(
      "final: the identity provider answered HTTP 405 (it does not support deleting clients)",
    );
    expect(await failure(del(302))).toMatch(/^final: the call to the identity provider failed \(fetch_/);
  });
  it("fails retryably for a server error, rate limiting or an unreachable IdP", async () => {
    expect(await failure(del(500))).toBe("retryable: the identity provider answered HTTP 500");
    expect(await failure(del(429))).toBe("retryable: the identity provider answered HTTP 429");
    expect(
      await failure(
        deleteIdpRegistration({ uri: "http://127.0.0.1:1/reg/x", token: "rat" }, { blockPrivateNetwork: false }),
      ),
    ).toMatch(/^retryable: the call to the identity provider failed \(fetch_/);
  });
});
