// Bundles server.ts and lib/ into dist/server.mjs for production: `npm start`
// then runs plain Node (no TypeScript loader: faster start, less memory).
// Dependencies stay external (loaded from node_modules as usual).
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function buildServer() {
  await build({
    entryPoints: [join(root, "server.ts")],
    outfile: join(root, "dist/server.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    // Dependencies written in CommonJS call require(): give the ESM bundle one.
    banner: {
      js: 'import { createRequire as __pcCreateRequire } from "node:module"; const require = __pcCreateRequire(import.meta.url);',
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
