import { expect, test } from "@playwright/test";
import { baseUrl, env, ensureServer, shot, signIn } from "./helpers";

const MCP = { accept: "application/json, text/event-stream", "content-type": "application/json" };

test("edits a server's rules, sees a denied call in the audit, and checks a token against the rules", async ({
  page,
  request,
}) => {
  await ensureServer(request, "guarded", "guardidp", { includeClientIdInAudience: true });
  const token = env("E2E_TOKEN_AUD_CLIENT_ID");
  await signIn(page);
  await page.goto("/servers/guarded");
  const editor = page.getByTestId("policy-editor");

  // A rule without a name is refused on its field, by the same schema the API uses.
  await editor.getByRole("switch", { name: "Rules" }).click();
  await editor.getByRole("button", { name: "Add rule" }).click();
  await editor.getByRole("button", { name: "Save rules" }).click();
  await expect(editor.getByTestId("rule-0")).toContainText("must be 1–64 letters");

  await editor.getByLabel("Name").fill("no-echo");
  await editor.getByLabel("Tool, prompt or resource").first().fill("echo");
  await editor.getByRole("switch", { name: "Audit trail" }).click();
  await editor.getByRole("button", { name: "Save rules" }).click();
  await expect(editor.getByText("Saved. The gateway applies it now.")).toBeVisible();
  await shot(page, "27-rules-editor");

  // An MCP client: initialize passes, the denied tool is refused with a JSON-RPC error naming the rule.
  const url = new URL("/servers/guarded/mcp", baseUrl()).href;
  const headers = { ...MCP, authorization: `Bearer ${token}` };
  const init = await request.post(url, {
    headers,
    data: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "e2e", version: "1" } },
    }),
  });
  expect(init.status()).toBe(200);
  const sid = init.headers()["mcp-session-id"];
  const call = await request.post(url, {
    headers: { ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" },
    data: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "echo", arguments: {} } }),
  });
  expect(call.status()).toBe(403);
  expect((await call.json()).error.message).toContain('denied by rule "no-echo"');

  // The audit page lists it, filtered by outcome.
  await page.getByRole("link", { name: "Audit", exact: true }).first().click();
  await expect(page).toHaveURL(/\/audit/);
  await page.getByLabel("Outcome").selectOption("deny");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/outcome=deny/);
  const row = page.getByTestId("audit-row").first();
  await expect(row).toHaveAttribute("data-decision", "deny");
  await expect(row).toContainText("echo");
  await expect(row).toContainText("rule no-echo");
  await expect(page.locator("body")).not.toContainText(token.slice(0, 40));
  await shot(page, "28-audit");

  // The inspector: may this token call echo on guarded? No, and which rule says so.
  await page.getByRole("link", { name: "Inspector" }).click();
  await page.getByLabel("Access token").fill(token);
  const check = page.getByTestId("operation-check");
  await check.getByLabel("Server").selectOption("guarded");
  await check.getByLabel("Tool, prompt or resource").fill("echo");
  await check.getByRole("button", { name: "Check" }).click();
  const verdict = page.getByTestId("operation-verdict");
  await expect(verdict).toHaveAttribute("data-allowed", "false");
  await expect(verdict).toContainText('Decided by rule "no-echo" (deny)');
  await shot(page, "29-operation-check");
});
