import { expect, test } from "@playwright/test";
import { env, shot } from "./helpers";

test("sends a signed-out visitor to sign-in, refuses a wrong password, signs in and out", async ({ page }) => {
  await page.goto("/servers");
  await expect(page).toHaveURL(/\/login\?next=%2Fservers/);
  await expect(page.getByRole("heading", { name: "Sign in to Portcullis" })).toBeVisible();
  await expect(page.getByText("ADMIN_PASSWORD")).toBeVisible();
  await shot(page, "01-login");

  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("wrong username or password")).toBeVisible();

  await page.getByLabel("Password", { exact: true }).fill(env("E2E_ADMIN_PASSWORD"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/servers$/);
  await expect(page.getByText("Signed in as")).toContainText("admin");
  await expect(page.getByText("No servers yet")).toBeVisible();
  await shot(page, "02-servers-empty");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1/);
  await page.goto("/providers");
  await expect(page).toHaveURL(/\/login/);
});

test("the console cannot be framed and the API needs a session", async ({ request }) => {
  const res = await request.get("/login");
  expect(res.headers()["x-frame-options"]).toBe("DENY");
  expect((await request.get("/api/servers")).status()).toBe(401);
});

test("MCP and OAuth paths that match nothing get a JSON 404, not the console's sign-in redirect", async ({
  request,
}) => {
  const initialize = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "e2e", version: "1" } },
  };
  const calls = [
    {
      path: "/servers/renamed/mcp",
      send: () =>
        request.post("/servers/renamed/mcp", {
          headers: { accept: "application/json, text/event-stream" },
          data: initialize,
          maxRedirects: 0,
        }),
      says: "no MCP server is configured at /servers/renamed/mcp",
    },
    {
      path: "/.well-known/oauth-protected-resource/servers/renamed/mcp",
      says: "no protected-resource metadata is published for /servers/renamed/mcp",
    },
    {
      path: "/.well-known/oauth-authorization-server/oauth/nobody",
      says: 'no provider "nobody" is configured, so no authorization-server facade serves',
    },
    {
      path: "/oauth/nobody/register",
      send: () =>
        request.post("/oauth/nobody/register", { data: { redirect_uris: ["http://127.0.0.1/cb"] }, maxRedirects: 0 }),
      says: 'no provider "nobody" is configured',
    },
  ];
  for (const c of calls) {
    const res = await (c.send?.() ?? request.get(c.path, { maxRedirects: 0 }));
    expect(res.status(), c.path).toBe(404);
    expect(res.headers()["content-type"], c.path).toContain("application/json");
    expect(res.headers()["access-control-allow-origin"], c.path).toBe("*");
    const body = await res.json();
    expect(body.error, c.path).toBe("not_found");
    expect(body.error_description, c.path).toContain(c.says);
  }
  // A console page still sends a signed-out visitor to sign-in.
  const page = await request.get("/servers/renamed", { maxRedirects: 0 });
  expect(page.status()).toBe(303);
  expect(page.headers().location).toBe("/login?next=%2Fservers%2Frenamed");
});
