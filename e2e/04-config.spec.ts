import { expect, test } from "@playwright/test";
import { adminApi, env, shot, signIn } from "./helpers";

test("exports YAML, refuses an invalid import with errors by path, applies a valid one", async ({ page, request }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Config" }).click();
  const exported = page.getByTestId("export-yaml");
  await expect(exported).toContainText("providers:");
  await expect(exported).toContainText("name: idp");
  await expect(exported).not.toContainText("e2e-client-secret");

  const yaml = page.getByLabel("YAML to import", { exact: true });
  await yaml.fill(
    [
      "servers:",
      "  - name: broken",
      "    upstream: not-a-url",
      "    oauth:",
      "      provider: nope",
      "  - name: Bad_Name",
      "    upstream: http://127.0.0.1:1/mcp",
      "    auth: none",
    ].join("\n"),
  );
  await page.getByRole("button", { name: "Apply" }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("nothing was applied");
  await expect(errors).toContainText("servers[0].upstream");
  await expect(errors).toContainText("servers[1].name");
  await shot(page, "12-config-import-errors");
  const servers = (await (await adminApi(request, "GET", "/api/servers")).json()) as Array<{ name: string }>;
  expect(servers.map((s) => s.name)).not.toContain("broken");

  await yaml.fill(
    ["servers:", "  - name: imported", `    upstream: ${env("E2E_UPSTREAM")}`, "    auth: none"].join("\n"),
  );
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("import-result")).toContainText("Dry run: valid, nothing applied");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("import-result")).toContainText("Applied");
  await expect(exported).toContainText("name: imported");
  await shot(page, "13-config");

  await page.getByRole("link", { name: "Servers" }).click();
  await expect(page.getByTestId("server-row-imported")).toContainText("no auth");
});

test("a pruning import says what became of the removed providers' clients at the IdP", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Config" }).click();
  // The API's answer is played (test/facade-clients.test.ts runs the real prune against an IdP): pruning a
  // provider here would remove what the other specs set up.
  await page.route("**/api/config/import", (route) =>
    route.fulfill({
      json: {
        version: 9,
        created: [],
        updated: [],
        deleted: ["provider/old"],
        unchanged: [],
        dryRun: false,
        idpClients: { old: { deleted: 2, already_gone: 0, none: 1, unmanaged: 0, kept: 0 } },
      },
    }),
  );
  await page.getByLabel("YAML to import", { exact: true }).fill("providers: []\n");
  await page.getByRole("button", { name: "Apply" }).click();
  const result = page.getByTestId("import-result");
  await expect(result).toContainText("provider/old");
  await expect(page.getByTestId("import-idp-clients")).toHaveText(
    "Clients of provider/old: 2 deleted at the IdP, 1 on the provider's own client",
  );
});
