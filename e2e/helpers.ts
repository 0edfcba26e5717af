import { expect, type APIRequestContext, type Cookie, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run through playwright.config.ts (global setup)`);
  return v;
};
export const baseUrl = () => env("E2E_BASE_URL");

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), "screenshots");

/** Full-page screenshot into e2e/screenshots/<name>.png (ignored by git). */
export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForLoadState("networkidle").catch(() => {});
  // Grow the viewport to the page instead of fullPage stitching, so sticky parts (sidebar, preview) render where a reader expects them.
  const size = page.viewportSize() ?? { width: 1366, height: 900 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height, size.height), 6000) });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: "disabled" });
  await page.setViewportSize(size);
}

/** The console session signIn reuses (cookies of the first sign-in through the form). */
let session: Cookie[] | undefined;

/**
 * Signs the page's browser in and leaves it on /servers: through the form once, then with that session's
 * cookies while the session lasts (the gateway allows 10 sign-in attempts a minute per address).
 */
export async function signIn(page: Page) {
  if (session) {
    await page.context().addCookies(session);
    await page.goto("/servers");
    if (new URL(page.url()).pathname === "/servers") return;
  }
  await page.goto("/login");
  await page.getByLabel("Password", { exact: true }).fill(env("E2E_ADMIN_PASSWORD"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/servers$/);
  session = await page.context().cookies();
}

/** The admin API with the bearer token (fixtures, not what the test is about). */
export async function adminApi(
  request: APIRequestContext,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  data?: unknown,
) {
  const res = await request.fetch(new URL(path, baseUrl()).href, {
    method,
    headers: {
      authorization: `Bearer ${env("E2E_ADMIN_TOKEN")}`,
      ...(data ? { "content-type": "application/json" } : {}),
    },
    data: data === undefined ? undefined : JSON.stringify(data),
  });
  return res;
}

/** Deletes servers, then providers, that an earlier attempt of a test left behind (a CI retry reruns the group). */
export async function removeIfPresent(
  request: APIRequestContext,
  { servers = [], providers = [] }: { servers?: string[]; providers?: string[] },
) {
  for (const name of servers) {
    const r = await adminApi(request, "DELETE", `/api/servers/${name}`);
    expect([200, 204, 404], await r.text()).toContain(r.status());
  }
  for (const name of providers) {
    const r = await adminApi(request, "DELETE", `/api/providers/${name}?idp=keep`);
    expect([200, 204, 404], await r.text()).toContain(r.status());
  }
}

/** Creates (or replaces) a provider + OAuth server pair through the API. */
export async function ensureServer(
  request: APIRequestContext,
  server: string,
  provider: string,
  oauth: Record<string, unknown> = {},
) {
  const p = { name: provider, kind: "authentik", issuer: env("E2E_IDP_ISSUER"), clientId: env("E2E_CLIENT_ID") };
  let r = await adminApi(request, "PUT", `/api/providers/${provider}`, p);
  if (r.status() === 404) r = await adminApi(request, "POST", "/api/providers", p);
  expect(r.ok(), await r.text()).toBeTruthy();
  const s = { name: server, upstream: env("E2E_UPSTREAM"), auth: "oauth", oauth: { provider, ...oauth } };
  r = await adminApi(request, "PUT", `/api/servers/${server}`, s);
  if (r.status() === 404) r = await adminApi(request, "POST", "/api/servers", s);
  expect(r.ok(), await r.text()).toBeTruthy();
}
