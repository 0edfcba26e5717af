import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** tsconfig's `@/…` path, for console modules tested as units. */
const alias = { "@": fileURLToPath(new URL(".", import.meta.url)) };

// Two projects: fast framework-free unit tests beside the code in lib/ and cli/,
// and integration tests in test/ that start real processes on loopback.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "cli/**/*.test.ts", "app/**/*.test.ts"],
          environment: "node",
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration suites start servers on loopback; run files one at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
