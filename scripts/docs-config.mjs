// `npm run docs:config`: writes docs/configuration.md from the config schemas (lib/config/reference.ts).
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const { renderConfigurationReference } = await import("../lib/config/reference.ts");
const file = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "docs/configuration.md");
writeFileSync(file, renderConfigurationReference());
console.log(`wrote ${file}`);
