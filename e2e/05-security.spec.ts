import http from "node:http";
import { expect, test } from "@playwright/test";
import { adminApi, baseUrl, ensureServer, env, signIn } from "./helpers";

/**
 * The sign-in page's `next` parameter in Chromium: browsers drop tabs and newlines from URLs and read `\` as `/`,
 * so `/%09/host` used to navigate to another origin once signed in. The "other origin" is a server of ours on
 * 127.0.0.2 that counts its visitors. The sign-in answer is played (the redirect is what is tested, and real
 * sign-ins are rate-limited); the real sign-in flow is in 01-auth.spec.ts.
 */
test.describe("the sign-in redirect stays on the console's origin", () => {
  let other: http.Server;
  let otherHost: string;
  const visits: string[] = [];

  test.beforeAll(async () => {
    other = http.createServer((req, res) => {
      visits.push(req.url ?? "");
      res.end("<p>another origin</p>");
    });
    await new Promise<void>((r) => other.listen(0, "127.0.0.2", r));
    otherHost = `127.0.0.2:${(other.address() as { port: number }).port}`;
  });
  test.afterAll(() => new Promise<void>((r) => other.close(() => r())));

  for (const variant of ["/%09/", "/%0A/", "/%0D/", "/%09%5C", "/%5C%09/"]) {
    test(`next=${variant}<other host>`, async ({ page }) => {
      await page.route("**/api/auth/login", (route) =>
        route.fulfill({
          status: 200,
          contentType: "application/json",
          body: '{"authenticated":true,"username":"admin"}',
        }),
      );
      const next = `${variant}${otherHost}/pwned`;
      await page.goto(`/login?next=${next}`);
      const start = page.url();
      await page.getByLabel("Password", { exact: true }).fill("anything");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.href !== start);
      await page.waitForLoadState("load");
      expect(new URL(page.url()).origin).toBe(new URL(baseUrl()).origin);
      expect(visits).toEqual([]);
    });
  }
});

test.describe("signed in", () => {
  test.beforeEach(async ({ page }) => signIn(page));

  test("the inspector offers no fix for a token whose signature does not verify", async ({ page, request }) => {
    await ensureServer(request, "forge-check", "forge-idp");
    // The IdP's token (aud = client id: a fix is offered), its signature then broken.
    const genuine = env("E2E_TOKEN_AUD_CLIENT_ID");
    const [h, p, s] = genuine.split(".");
    const forged = `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;

    await page.goto("/inspector");
    await page.getByLabel("Server", { exact: true }).selectOption("forge-check");
    await page.getByLabel("Access token", { exact: true }).fill(genuine);
    await page.getByRole("button", { name: "Inspect token" }).click();
    await expect(page.getByTestId("fix-aud")).toBeVisible();

    await page.getByLabel("Access token", { exact: true }).fill(forged);
    await page.getByRole("button", { name: "Inspect token" }).click();
    await expect(page.getByTestId("check-signature")).toHaveAttribute("data-status", "fail");
    await expect(page.getByText("No fixes offered: the signature did not verify")).toBeVisible();
    await expect(page.getByTestId("fix-aud")).toHaveCount(0);
    await expect(page.getByTestId("check-aud")).toContainText("unverified");

    expect((await adminApi(request, "DELETE", "/api/servers/forge-check")).ok()).toBeTruthy();
    expect((await adminApi(request, "DELETE", "/api/providers/forge-idp?idp=keep")).ok()).toBeTruthy();
  });

  test("the provider form sets and clears requireAtJwt", async ({ page, request }) => {
    const created = await adminApi(request, "POST", "/api/providers", {
      name: "typed",
      kind: "generic",
      issuer: "https://idp.typed.example",
    });
    expect(created.status()).toBe(201);
    const stored = async () => (await (await adminApi(request, "GET", "/api/providers/typed")).json()).requireAtJwt;

    await page.goto("/providers/typed");
    const box = page.getByLabel("Require typ: at+jwt");
    await expect(box).not.toBeChecked();
    await box.check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(stored).toBe(true);
    await page.reload();
    await expect(page.getByLabel("Require typ: at+jwt")).toBeChecked();

    await page.getByLabel("Require typ: at+jwt").uncheck();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(stored).toBeUndefined();
    expect((await adminApi(request, "DELETE", "/api/providers/typed?idp=keep")).ok()).toBeTruthy();
  });
});
