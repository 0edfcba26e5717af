import { expect, test } from "@playwright/test";
import { baseUrl, env, shot, signIn } from "./helpers";

test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page }) => signIn(page));

test("creates a provider and shows what Discover finds", async ({ page }) => {
  await page.getByRole("link", { name: "Providers" }).click();
  await expect(page.getByText("No providers yet")).toBeVisible();
  await page.getByRole("link", { name: "New provider" }).click();

  await page.getByLabel("Name", { exact: true }).fill("idp");
  await page.getByLabel("Kind", { exact: true }).selectOption("authentik");
  await page.getByLabel("Issuer", { exact: true }).fill("not a url");
  await page.getByRole("button", { name: "Create provider" }).click();
  await expect(page.getByText("Fix the highlighted fields.")).toBeVisible();
  await expect(page.getByText('not a valid URL: "not a url"')).toBeVisible();

  await page.getByLabel("Issuer", { exact: true }).fill(env("E2E_IDP_ISSUER"));
  await page.getByLabel("Client ID", { exact: true }).fill(env("E2E_CLIENT_ID"));
  await page.locator("#p-secret").fill("e2e-client-secret");
  await page.getByRole("button", { name: "Create provider" }).click();
  await expect(page).toHaveURL(/\/providers\/idp\?saved=1/);
  await expect(page.getByText("Saved.")).toBeVisible();
  // Write-only: the secret comes back as "set", never as its value.
  await expect(page.getByText("Stored encrypted; never shown.")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("e2e-client-secret");

  await page.getByRole("button", { name: "Discover" }).click();
  const report = page.getByTestId("discovery-report");
  await expect(report).toBeVisible();
  await expect(report).toContainText("PKCE S256");
  await expect(report).toContainText("JWKS reachable");
  await shot(page, "04-provider-discover");

  await page.getByRole("link", { name: "Providers" }).click();
  await expect(page.getByTestId("provider-row-idp")).toContainText("secret set");
  await shot(page, "03-providers");
});

test("creates a server with a live preview of its URLs and metadata, and self-tests it", async ({ page }) => {
  await page.goto("/servers/new");
  await page.getByLabel("Name", { exact: true }).fill("fetcher");
  await page.getByLabel("Upstream MCP URL", { exact: true }).fill(env("E2E_UPSTREAM"));
  await page.getByLabel("Provider", { exact: true }).selectOption("idp");
  await page.getByLabel("Resource name", { exact: true }).fill("Web fetcher");

  const mcpUrl = new URL("/servers/fetcher/mcp", baseUrl()).href.replace("127.0.0.1", "127.0.0.1");
  const preview = page.getByTestId("live-preview");
  await expect(preview).toContainText(mcpUrl);
  await expect(page.getByTestId("prm-json")).toContainText(`"resource": "${mcpUrl}"`);
  await expect(page.getByTestId("prm-json")).toContainText(`"resource_name": "Web fetcher"`);
  await expect(page.getByText("Include client id in audience", { exact: true })).toBeVisible();
  await shot(page, "05-server-new");

  await page.getByRole("button", { name: "Create server" }).click();
  await expect(page).toHaveURL(/\/servers\/fetcher\?saved=1/);

  await page.getByRole("button", { name: "Run self-test" }).click();
  const selftest = page.getByTestId("selftest");
  await expect(selftest).toBeVisible();
  await expect(selftest.locator("li").first()).toHaveAttribute("data-status", "pass");
  await expect(page.getByTestId("selftest-step-upstream")).toHaveAttribute("data-status", "pass");
  // Authentik puts the client id in aud, which this server does not accept yet: not "all clear".
  await expect(page.getByTestId("selftest-step-token")).toHaveAttribute("data-status", "warn");
  await expect(page.getByTestId("selftest-step-token")).toContainText('turn on "Include client id in audience"');
  await expect(page.getByText("no failure · 1 warning")).toBeVisible();
  await expect(page.getByText("all clear")).toHaveCount(0);
  await shot(page, "06-server-detail-selftest");

  await page.getByRole("link", { name: "Servers" }).click();
  const row = page.getByTestId("server-row-fetcher");
  await expect(row).toContainText("OAuth · proxy");
  await expect(row).toContainText(/(^|[^n])healthy · HTTP 400: answers MCP/);
  await shot(page, "07-servers");
});

test("diagnoses a token whose aud is the client id, applies the fix, and the token passes", async ({ page }) => {
  await page.getByRole("link", { name: "Inspector" }).click();
  await expect(page.getByText("Nothing inspected yet")).toBeVisible();
  await page.getByLabel("Access token", { exact: true }).fill(env("E2E_TOKEN_AUD_CLIENT_ID"));
  await page.getByRole("button", { name: "Inspect token" }).click();

  await expect(page.getByTestId("verdict")).toContainText("Rejected");
  await expect(page.getByTestId("check-aud")).toHaveAttribute("data-status", "fail");
  await expect(page.getByTestId("check-aud")).toContainText("aud_is_client_id");
  await expect(page.getByTestId("check-signature")).toHaveAttribute("data-status", "pass");
  const fix = page.getByTestId("fix-aud");
  await expect(fix).toContainText(/include client id in audience/i);
  await expect(page.getByTestId("claim-time-exp")).toContainText(/expires in/);
  await shot(page, "08-inspector-rejected");

  await fix.getByRole("button", { name: "Apply fix and re-check" }).click();
  await expect(page.getByTestId("verdict")).toContainText("Accepted");
  await expect(page.getByTestId("check-aud")).toHaveAttribute("data-status", "pass");
  const audiences = page.getByTestId("expected-audiences");
  await expect(audiences).toContainText(env("E2E_CLIENT_ID"));
  await expect(audiences).toContainText("client id");
  await shot(page, "09-inspector-accepted");

  // The fix really changed the server.
  await page.goto("/servers/fetcher");
  await expect(page.getByRole("switch", { name: "Include client id in audience" })).toHaveAttribute(
    "aria-checked",
    "true",
  );

  // Now the self-test is all clear, and with the token a real MCP request goes through to the upstream.
  await page.getByRole("button", { name: "Run self-test" }).click();
  await expect(page.getByText("all clear")).toBeVisible();
  await page.getByLabel("Access token for the self-test").fill(env("E2E_TOKEN_AUD_CLIENT_ID"));
  await page.getByRole("button", { name: "Run with this token" }).click();
  await expect(page.getByTestId("selftest-step-token")).toHaveAttribute("data-status", "pass");
  await expect(page.getByTestId("selftest-step-request")).toHaveAttribute("data-status", "pass");
  await expect(page.getByText("all clear")).toBeVisible();
  await shot(page, "09b-server-selftest-with-token");

  // The self-test's own requests are marked in the live log.
  await page.goto("/log?server=fetcher");
  await expect(page.locator('[data-testid="log-row"][data-selftest]').first()).toContainText("self-test");
});

test("lists a client registered at the provider's facade and deletes it", async ({ page }) => {
  // An MCP client registers at the facade (RFC 7591), as Claude or VS Code would.
  const reg = await page.request.post(new URL("/oauth/idp/register", baseUrl()).href, {
    data: {
      client_name: "E2E MCP client",
      redirect_uris: ["http://127.0.0.1:33418/callback"],
      token_endpoint_auth_method: "none",
    },
  });
  expect(reg.status()).toBe(201);
  const { client_id: clientId } = (await reg.json()) as { client_id: string };

  await page.goto("/providers/idp");
  const row = page.getByTestId(`client-row-${clientId}`);
  await expect(row).toContainText("E2E MCP client");
  await expect(row).toContainText("public");
  await expect(row).toContainText("http://127.0.0.1:33418/callback");
  await shot(page, "14-provider-clients");

  await row.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete client" }).click();
  await expect(row).toHaveCount(0);
  // The e2e provider has a pre-registered upstream client: nothing of this client's lives at the IdP.
  await expect(page.getByTestId("client-delete-notice")).toHaveText(
    `Deleted ${clientId}. The client used the provider's own IdP client: nothing to delete at the identity provider.`,
  );
  await expect(page.getByText("No client has registered at this provider's facade.")).toBeVisible();
  // Gone for the facade too: the token endpoint no longer knows it.
  const token = await page.request.post(new URL("/oauth/idp/token", baseUrl()).href, {
    form: {
      grant_type: "authorization_code",
      code: "x",
      client_id: clientId,
      redirect_uri: "http://127.0.0.1:33418/callback",
      code_verifier: "x".repeat(43),
    },
  });
  expect(token.status()).toBe(401);
  expect(await token.json()).toMatchObject({ error: "invalid_client" });
});

test("offers to delete a client here only when the IdP cannot delete its upstream client", async ({ page }) => {
  const reg = await page.request.post(new URL("/oauth/idp/register", baseUrl()).href, {
    data: {
      client_name: "E2E IdP down",
      redirect_uris: ["http://127.0.0.1:33418/callback"],
      token_endpoint_auth_method: "none",
    },
  });
  const { client_id: clientId } = (await reg.json()) as { client_id: string };
  // The e2e IdP has no DCR and cannot be taken down for one test, so the API's answers for a client with
  // an upstream client at an unreachable IdP are played here (the API itself: test/facade-clients.test.ts).
  // The deletion that finally happens is the real one.
  await page.route("**/api/providers/idp/clients", async (route) => {
    const real = await route.fetch();
    const body = (await real.json()) as { clients: Array<Record<string, unknown>> };
    for (const c of body.clients)
      if (c.clientId === clientId) Object.assign(c, { idpClientId: "up-1", idpDeletable: true });
    await route.fulfill({ response: real, json: body });
  });
  const down = `the identity provider's client "up-1" was not deleted: the call to the identity provider failed (fetch_network). Nothing was deleted; retry, or delete the client here only (keep it at the IdP) and remove it there yourself`;
  await page.route(`**/api/providers/idp/clients/${clientId}?idp=delete`, (route) =>
    route.fulfill({ status: 502, json: { error: { code: "idp_unavailable", message: down } } }),
  );
  const kept = `The identity provider's client "up-1" was kept, as asked: remove it there if it is no longer wanted.`;
  await page.route(`**/api/providers/idp/clients/${clientId}?idp=keep`, async (route) => {
    const real = await route.fetch();
    expect(real.status()).toBe(200);
    await route.fulfill({
      response: real,
      json: { deleted: clientId, idp: { status: "kept", clientId: "up-1", message: kept } },
    });
  });

  await page.goto("/providers/idp");
  const row = page.getByTestId(`client-row-${clientId}`);
  await expect(row).toContainText("IdP client up-1");
  await row.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("up-1, is deleted there first");
  await dialog.getByRole("button", { name: "Delete client" }).click();
  await expect(dialog).toContainText(down);
  await expect(row).toHaveCount(1);
  await shot(page, "15-client-delete-idp-down");

  await dialog.getByRole("button", { name: "Delete here only" }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId("client-delete-notice")).toHaveText(`Deleted ${clientId}. ${kept}`);
});

test("edits a provider's scope map and extra authorize parameters as name = value lines", async ({ page }) => {
  await page.goto("/providers/idp");
  const scopeMap = page.getByLabel("Scope map", { exact: true });
  const extra = page.getByLabel("Extra authorize parameters", { exact: true });
  await scopeMap.fill("read = api://mcp-gateway/read\noffline_access =\noops");
  await extra.fill("prompt = consent");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Fix the highlighted fields.")).toBeVisible();
  await expect(page.getByText('"oops" is not name = value')).toBeVisible();

  await scopeMap.fill("read = api://mcp-gateway/read\noffline_access =");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  const saved = await (await page.request.get(new URL("/api/providers/idp", baseUrl()).href)).json();
  expect(saved.overrides).toMatchObject({
    scopeMap: { read: "api://mcp-gateway/read", offline_access: "" },
    extraAuthorizeParams: { prompt: "consent" },
  });
  await page.reload();
  await expect(page.getByLabel("Scope map", { exact: true })).toHaveValue(
    "read = api://mcp-gateway/read\noffline_access =",
  );
  await expect(page.getByLabel("Extra authorize parameters", { exact: true })).toHaveValue("prompt = consent");

  // Cleared again, so the specs after this one see the provider as it was.
  await page.getByLabel("Scope map", { exact: true }).fill("");
  await page.getByLabel("Extra authorize parameters", { exact: true }).fill("");
  await page.getByRole("button", { name: "Save changes" }).click();
  // "Saved." is still on screen from the first save (?saved=1), so wait for the stored provider itself.
  const maps = async () => {
    const o = (await (await page.request.get(new URL("/api/providers/idp", baseUrl()).href)).json()).overrides ?? {};
    return [o.scopeMap ?? null, o.extraAuthorizeParams ?? null];
  };
  await expect.poll(maps).toEqual([null, null]);
});

test("deletes a provider, here only when the IdP cannot delete its clients there", async ({ page }) => {
  const created = await page.request.post(new URL("/api/providers", baseUrl()).href, {
    headers: { origin: baseUrl() },
    data: { name: "retired", kind: "generic", issuer: "https://idp.retired.example" },
  });
  expect(created.status()).toBe(201);
  // As in the client test above: the IdP-down answer is played (the API itself: test/facade-clients.test.ts);
  // the deletion that finally happens is the real one.
  const down = `provider "retired" was not deleted: the identity provider's client "up-7" could not be deleted there: the call to the identity provider failed (fetch_network). 1 client remains with the provider. Retry, or delete the provider keeping its IdP clients (?idp=keep) and remove them at the IdP yourself.`;
  await page.route("**/api/providers/retired?idp=delete", (route) =>
    route.fulfill({ status: 502, json: { error: { code: "idp_unavailable", message: down } } }),
  );

  await page.goto("/providers/retired");
  await page.getByRole("button", { name: "Delete" }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(
    "the clients the gateway registered for them at the identity provider, there first",
  );
  await dialog.getByRole("button", { name: "Delete provider" }).click();
  await expect(dialog).toContainText(down);
  await dialog.getByRole("button", { name: "Delete here only" }).click();
  await expect(page).toHaveURL(/\/providers$/);
  expect((await page.request.get(new URL("/api/providers/retired", baseUrl()).href)).status()).toBe(404);
});
