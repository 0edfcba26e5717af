import { expect, test } from "@playwright/test";
import { baseUrl, env, ensureServer, shot, signIn } from "./helpers";

test("a rejected request appears in the live log and opens its diagnosis in the inspector", async ({
  page,
  request,
}) => {
  await ensureServer(request, "logged", "logidp");
  await signIn(page);
  await page.getByRole("link", { name: "Live log" }).click();
  await expect(page.getByTestId("stream-state")).toContainText("Live");

  // An MCP client calls with a token minted for the client id: the proxy rejects it.
  const res = await request.post(new URL("/servers/logged/mcp", baseUrl()).href, {
    headers: {
      authorization: `Bearer ${env("E2E_TOKEN_AUD_CLIENT_ID")}`,
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
    },
    data: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "e2e", version: "1" } },
    }),
  });
  expect(res.status()).toBe(401);
  expect(res.headers()["www-authenticate"]).toContain("resource_metadata=");

  const row = page.getByTestId("log-row").filter({ hasText: "logged" }).filter({ hasText: "aud_is_client_id" }).first();
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute("data-outcome", "rejected");
  // Never the token, only its fingerprint.
  await expect(page.locator("body")).not.toContainText(env("E2E_TOKEN_AUD_CLIENT_ID").slice(0, 40));
  await shot(page, "10-live-log");

  await page.getByRole("button", { name: "rejected" }).click();
  await expect(page).toHaveURL(/outcome=rejected/);
  await expect(page.getByTestId("log-row").first()).toHaveAttribute("data-outcome", "rejected");

  await row.click();
  await expect(page).toHaveURL(/\/inspector\?request=/);
  await expect(page.getByText(/Stored diagnosis of a rejected request to logged/)).toBeVisible();
  await expect(page.getByTestId("check-aud")).toHaveAttribute("data-status", "fail");
  await expect(page.getByTestId("fix-aud")).toBeVisible();
  await shot(page, "11-inspector-from-log");
});
