/**
 * End-to-end tests of the admin console in Debian's Chromium (ENVIRONMENT.md:
 * no browser downloads). e2e/global-setup.ts builds the console if stale and
 * starts a real gateway (console on, temp SQLite, ADMIN_PASSWORD), a real IdP
 * (oidc-provider shaped like Authentik: aud = client id) and a real MCP server.
 * Run: `npx playwright test` (or `npm run test:e2e`).
 */
import { defineConfig } from "@playwright/test";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  // One gateway for the run; specs create their own named entities, but keep it simple on 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.E2E_BASE_URL,
    browserName: "chromium",
    viewport: { width: 1366, height: 900 },
    launchOptions: { executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
