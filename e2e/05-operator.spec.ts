/**
 * What a first-time operator tripped over, fixed: form errors scrolled into view and marked, the guarded
 * Keycloak audience fix, a self-test that fails on a dead upstream, provider health and the check after a
 * save, long names, a provider in use, and the import dry run's field diff.
 */
import { expect, test, type Page } from "@playwright/test";
import { adminApi, ensureServer, env, removeIfPresent, shot, signIn } from "./helpers";

test.describe.configure({ mode: "serial" });

// An Authentik-shaped provider "ops" (the e2e IdP) and a server "ops-fetcher" using it.
test.beforeAll(async ({ request }) => ensureServer(request, "ops-fetcher", "ops", { includeClientIdInAudience: true }));
test.beforeEach(async ({ page }) => signIn(page));

/** The page scrolls horizontally: something is wider than the window. */
const overflowsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

test("a form error off-screen is scrolled into view and marked on its field; the preview waits for a name", async ({
  page,
}) => {
  const hydration: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /hydrat|#418|#423|#425/i.test(m.text())) hydration.push(m.text());
  });
  await page.goto("/servers/new");
  await expect(page.getByText("Enter a name to preview the URLs.")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("%3Cname%3E");
  expect(hydration).toEqual([]);

  const name = page.getByLabel("Name", { exact: true });
  await name.fill("Not A Slug");
  await page.getByLabel("Upstream MCP URL", { exact: true }).fill(env("E2E_UPSTREAM"));
  // No provider chosen yet: the preview names no authorization server.
  await expect(page.getByTestId("prm-json")).not.toContainText("authorization_servers");
  await expect(page.getByTestId("preview-pick-provider")).toBeVisible();
  await page.getByLabel("Provider", { exact: true }).selectOption("ops");
  await expect(page.getByTestId("prm-json")).toContainText("authorization_servers");

  const create = page.getByRole("button", { name: "Create server" });
  await create.scrollIntoViewIfNeeded();
  await expect(name).not.toBeInViewport();
  await create.click();
  await expect(name).toBeInViewport();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  await shot(page, "16-form-error-in-view");

  // A name that is taken: the API's conflict lands on the field too.
  await name.fill("ops-fetcher");
  await create.scrollIntoViewIfNeeded();
  await create.click();
  await expect(page.getByText('a server named "ops-fetcher" already exists: choose another name')).toBeVisible();
  await expect(name).toBeInViewport();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  expect(hydration).toEqual([]);
});

test("Keycloak tokens: the audience hint, and a guarded fix never offered for another server's audience", async ({
  page,
  request,
}) => {
  const provider = {
    name: "kc",
    kind: "keycloak",
    issuer: env("E2E_KC_ISSUER"),
    clientId: env("E2E_KC_CLIENT_ID"),
  };
  await removeIfPresent(request, { servers: ["tools", "files"], providers: ["kc"] });
  expect((await adminApi(request, "POST", "/api/providers", provider)).status()).toBe(201);
  const server = (name: string, audiences: string[]) => ({
    name,
    upstream: env("E2E_UPSTREAM"),
    oauth: { provider: "kc", mode: "direct", audiences },
  });
  expect((await adminApi(request, "POST", "/api/servers", server("tools", []))).status()).toBe(201);
  expect((await adminApi(request, "POST", "/api/servers", server("files", ["mcp-tools"]))).status()).toBe(201);

  // The server form says what Keycloak puts in aud (Discover's hint), in the form's words.
  await page.goto("/servers/tools");
  const hint = page.getByTestId("audience-hint");
  await expect(hint).toContainText("audience mappers");
  await expect(hint).toContainText('"Extra accepted audiences"');
  await expect(hint).toHaveAttribute("data-ready", "unknown");

  // Not a JWT: said first, though several servers could be meant.
  await page.goto("/inspector");
  await page.getByLabel("Access token", { exact: true }).fill("opaque-access-token-value");
  await page.getByRole("button", { name: "Inspect token" }).click();
  await expect(page.getByText(/the token is not a valid JWT: the token is opaque/).first()).toBeVisible();
  await expect(page.getByText("pick a server")).toHaveCount(0);

  // mcp-tools is server files' audience: for server tools the inspector says so and offers no fix.
  await page.goto("/inspector");
  await page.getByLabel("Access token", { exact: true }).fill(env("E2E_TOKEN_KEYCLOAK"));
  await page.locator("select#server").selectOption("tools");
  await page.getByRole("button", { name: "Inspect token" }).click();
  await expect(page.getByTestId("verdict")).toContainText("Rejected");
  await expect(page.getByTestId("check-aud")).toContainText("aud mcp-tools belongs to server files, not tools");
  await expect(page.getByTestId("fix-aud")).toHaveCount(0);
  await shot(page, "17-inspector-audience-of-another-server");

  // Once no other server claims it, the fix is offered with Keycloak's explanation, and applying it works.
  expect((await adminApi(request, "DELETE", "/api/servers/files")).status()).toBe(204);
  await page.getByRole("button", { name: "Inspect token" }).click();
  const fix = page.getByTestId("fix-aud");
  await expect(fix).toContainText("Accept audience mcp-tools on server tools");
  await expect(fix).toContainText("Audience mapper");
  await expect(fix).toContainText('"account" comes from Keycloak');
  await shot(page, "18-inspector-keycloak-fix");
  await fix.getByRole("button", { name: "Apply fix and re-check" }).click();
  await expect(page.getByTestId("verdict")).toContainText("Accepted");
  const saved = await (await adminApi(request, "GET", "/api/servers/tools")).json();
  expect(saved.oauth.audiences).toEqual(["mcp-tools"]);
});

test("the self-test fails when the upstream refuses connections, and the server page says it is down", async ({
  page,
  request,
}) => {
  const s = {
    name: "down",
    upstream: "http://127.0.0.1:9/mcp",
    oauth: { provider: "ops", includeClientIdInAudience: true },
  };
  await removeIfPresent(request, { servers: ["down"] });
  expect((await adminApi(request, "POST", "/api/servers", s)).status()).toBe(201);
  await page.goto("/servers/down");
  await expect(page.getByTestId("upstream-health")).toContainText("unreachable: ECONNREFUSED");
  await page.getByRole("button", { name: "Run self-test" }).click();
  await expect(page.getByTestId("selftest-step-unauthenticated")).toHaveAttribute("data-status", "pass");
  const upstream = page.getByTestId("selftest-step-upstream");
  await expect(upstream).toHaveAttribute("data-status", "fail");
  await expect(upstream).toContainText("ECONNREFUSED");
  await expect(page.getByText(/broken at step 11/)).toBeVisible();
  await expect(page.getByText("all clear")).toHaveCount(0);
  await shot(page, "19-selftest-upstream-down");
});

test("a provider with an unreachable issuer: warned right after saving, unhealthy in the list", async ({
  page,
  request,
}) => {
  await removeIfPresent(request, { providers: ["typo"] });
  await page.goto("/providers/new");
  await page.getByLabel("Name", { exact: true }).fill("typo");
  await page.getByLabel("Kind", { exact: true }).selectOption("keycloak");
  await expect(page.getByLabel("Supports dynamic client registration")).toContainText("Keycloak default: no");
  await page.getByLabel("Issuer", { exact: true }).fill("http://127.0.0.1:9/realms/mcp");
  await page.getByRole("button", { name: "Create provider" }).click();
  await expect(page).toHaveURL(/\/providers\/typo\?saved=1/);
  await expect(page.getByText("Saved.")).toBeVisible();
  const warnings = page.getByTestId("save-warnings");
  await expect(warnings).toContainText("will not work as it is");
  await expect(warnings).toContainText("ECONNREFUSED");
  await shot(page, "20-provider-saved-with-warnings");

  await page.getByRole("link", { name: "Providers" }).click();
  await expect(page.getByTestId("provider-health-typo")).toContainText("unhealthy");
  await expect(page.getByTestId("provider-health-ops")).toContainText("healthy · discovery and JWKS ok");
  const row = page.getByTestId("provider-row-typo");
  await expect(row).toContainText("no client id, and the IdP offers no dynamic registration");
  await shot(page, "21-providers-health");
});

test("a provider in use says it cannot be deleted before asking to confirm", async ({ page }) => {
  await page.goto("/providers/ops");
  await page.getByRole("button", { name: "Delete" }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("cannot be deleted");
  await expect(page.getByTestId("provider-in-use")).toContainText("ops-fetcher");
  await expect(dialog.getByRole("button", { name: "Delete provider" })).toHaveCount(0);
  await shot(page, "22-provider-in-use");
  await dialog.getByRole("button", { name: "Close" }).click();
});

test("63-character names fit the servers list and the delete dialog", async ({ page, request }) => {
  const long = `a${"-very-long".repeat(6)}-name-x`.slice(0, 63);
  expect(long).toHaveLength(63);
  const s = { name: long, upstream: env("E2E_UPSTREAM"), auth: "none" };
  await removeIfPresent(request, { servers: [long] });
  expect((await adminApi(request, "POST", "/api/servers", s)).status()).toBe(201);
  await page.goto("/servers");
  await expect(page.getByTestId(`server-row-${long}`)).toBeVisible();
  expect(await overflowsSideways(page)).toBe(false);
  await shot(page, "23-servers-long-name");

  await page.goto(`/servers/${long}`);
  expect(await overflowsSideways(page)).toBe(false);
  await page.getByRole("button", { name: "Delete" }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(long);
  const box = await dialog.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  const overflowing = await dialog.evaluate((d) =>
    [...d.querySelectorAll("*")].some((el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0),
  );
  expect(overflowing).toBe(false);
  await shot(page, "24-delete-dialog-long-name");
  await dialog.getByRole("button", { name: "Cancel" }).click();
});

test("the import dry run shows each field a partial entry would reset", async ({ page }) => {
  await page.goto("/config");
  const yaml = page.getByLabel("YAML to import", { exact: true });
  await yaml.fill(
    [
      "servers:",
      "  - name: tools",
      `    upstream: ${env("E2E_UPSTREAM")}`,
      "    oauth: { provider: kc, mode: direct }",
    ].join("\n"),
  );
  await page.getByRole("button", { name: "Dry run" }).click();
  const result = page.getByTestId("import-result");
  await expect(result).toContainText("Dry run: valid, nothing applied — 1 field would be reset");
  const changes = page.getByTestId("import-field-changes");
  await expect(changes).toContainText("server/tools");
  await expect(changes).toContainText('oauth.audiences["mcp-tools"] → []');
  await expect(changes).toContainText("reset: not in the file");
  await shot(page, "25-config-dry-run-diff");
});

test("the facade's consent page looks like the console", async ({ page }) => {
  const redirectUri = "http://127.0.0.1:33419/callback";
  const reg = await page.request.post(new URL("/oauth/ops/register", env("E2E_BASE_URL")).href, {
    data: { client_name: "E2E consent client", redirect_uris: [redirectUri], token_endpoint_auth_method: "none" },
  });
  expect(reg.status()).toBe(201);
  const { client_id: clientId } = (await reg.json()) as { client_id: string };
  const authorize = new URL("/oauth/ops/authorize", env("E2E_BASE_URL"));
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    state: "e2e",
    resource: new URL("/servers/ops-fetcher/mcp", env("E2E_BASE_URL")).href,
  }).toString();
  await page.goto(authorize.href);
  await expect(page.getByRole("heading", { name: /E2E consent client wants to access MCP servers/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await expect(page.locator(".brand")).toContainText("Portcullis");
  // The console's page background and primary button colour.
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(248, 250, 252)");
  expect(await page.getByRole("button", { name: "Allow" }).evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
    "rgb(79, 70, 229)",
  );
  await shot(page, "26-consent-page");
});
