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
