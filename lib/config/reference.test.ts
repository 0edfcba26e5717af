import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot } from "../project-root";
import { EXAMPLE_YAML, renderConfigurationReference, undocumentedFields } from "./reference";
import { configFileSchema } from "./schema";

describe("docs/configuration.md", () => {
  it("describes every environment variable and config field, and nothing else", () => {
    // A new field needs an entry in lib/config/field-docs.ts; a removed one, its entry removed.
    expect(undocumentedFields()).toEqual({ missing: [], unknown: [] });
  });

  it("is what npm run docs:config renders from the schemas (run it after changing them)", () => {
    const committed = readFileSync(join(projectRoot(), "docs/configuration.md"), "utf8");
    expect(committed, "docs/configuration.md is stale: run `npm run docs:config`").toBe(renderConfigurationReference());
  });

  it("shows an example that the config schema accepts", () => {
    expect(configFileSchema.safeParse(parse(EXAMPLE_YAML)).error).toBeUndefined();
  });
});
