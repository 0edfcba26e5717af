/**
 * Renders docs/configuration.md from the zod schemas (types, defaults, allowed
 * values) and lib/config/field-docs.ts (what each field means), so the
 * reference cannot drift from the code. `npm run docs:config` writes it;
 * reference.test.ts fails when the committed file is stale or a field has no
 * description.
 */
import type { z } from "zod";
import { envSchema } from "./env";
import { CONFIG_DOCS, ENV_DOCS, type FieldDoc } from "./field-docs";
import {
  baseUrlSchema,
  configFileSchema,
  httpUrlSchema,
  mcpPathSchema,
  redirectUriSchema,
  scopeTokenSchema,
  slugSchema,
} from "./schema";

/** Shared schemas the reference names instead of spelling out their checks. */
const NAMED = new Map<z.ZodType, string>([
  [slugSchema, "slug"],
  [httpUrlSchema, "http(s) URL"],
  [baseUrlSchema, "base URL"],
  [redirectUriSchema, "URI"],
  [scopeTokenSchema, "scope"],
  [mcpPathSchema, "path"],
]);

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  shape?: Record<string, z.ZodType>;
  defaultValue?: unknown;
  checks?: Array<{ _zod: { def: { check: string; value?: number; minimum?: number; maximum?: number } } }>;
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** A field as the reference shows it: the schema under its wrappers, and what the wrappers said. */
type Field = { schema: z.ZodType; optional: boolean; nullable: boolean; default?: unknown; named?: string };

function unwrap(schema: z.ZodType): Field {
  const f: Field = { schema, optional: false, nullable: false };
  for (;;) {
    f.named ??= NAMED.get(f.schema);
    const d = defOf(f.schema);
    if (d.type === "optional") f.optional = true;
    else if (d.type === "nullable") f.nullable = true;
    else if (d.type === "default") f.default ??= d.defaultValue;
    else if (d.type === "pipe") {
      // `.transform()` and `z.preprocess()` are pipes: document the side that is a schema.
      f.schema = defOf(d.in!).type === "transform" ? d.out! : d.in!;
      continue;
    } else if (d.type === "union") {
      // `x.or(z.literal("")…)`: empty means unset; the first option is the real type.
      f.schema = d.options![0];
      continue;
    } else return f;
    f.schema = d.innerType!;
  }
}

const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;
const BOOLEAN_WORDS = ["true", "false", "1", "0", "yes", "no", ""];

function range(d: Def): string {
  let min: number | undefined;
  let max: number | undefined;
  for (const c of d.checks ?? []) {
    const k = c._zod.def;
    if (k.check === "greater_than" || k.check === "min_length") min = k.value ?? k.minimum;
    if (k.check === "less_than" || k.check === "max_length") max = k.value ?? k.maximum;
  }
  if (d.type === "number") return min !== undefined && max !== undefined ? ` ${min}–${max}` : "";
  return min !== undefined && min > 1 ? `, ≥ ${min} characters` : "";
}

function typeOf(schema: z.ZodType): string {
  const f = unwrap(schema);
  if (f.named) return f.named;
  const d = defOf(f.schema);
  switch (d.type) {
    case "string":
      return `string${range(d)}`;
    case "number":
      return `integer${range(d)}`;
    case "boolean":
      return "boolean";
    case "enum": {
      const values = Object.values(d.entries ?? {});
      if (values.length === BOOLEAN_WORDS.length && values.every((v) => BOOLEAN_WORDS.includes(v)))
        return "boolean (`true`/`false`, `1`/`0`, `yes`/`no`)";
      return values.map(code).join(" | ");
    }
    case "array":
      return `list of ${typeOf(d.element!)}`;
    case "record":
      return `map of ${typeOf(d.keyType!)} → ${typeOf(d.valueType!)}`;
    case "object":
      return "object";
    default:
      return "JSON";
  }
}

function defaultOf(f: Field, doc: FieldDoc): string {
  if (doc.default) return doc.default;
  if (f.default !== undefined) return code(f.default);
  return "";
}

/** Each documented leaf of an object schema: objects nest, lists of objects continue with `[]`. */
function leaves(schema: z.ZodType, prefix: string): Array<[string, z.ZodType]> {
  const out: Array<[string, z.ZodType]> = [];
  for (const [key, child] of Object.entries(defOf(unwrap(schema).schema).shape ?? {})) {
    const path = `${prefix}${key}`;
    const inner = defOf(unwrap(child).schema);
    if (inner.type === "object") out.push(...leaves(child, `${path}.`));
    else if (inner.type === "array" && defOf(unwrap(inner.element!).schema).type === "object")
      out.push(...leaves(inner.element!, `${path}[].`));
    else out.push([path, child]);
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function table(
  header: string,
  rows: Array<[string, z.ZodType]>,
  docs: Record<string, FieldDoc>,
  name = (p: string) => p,
): string {
  const lines = [`| ${header} | Type | Default | Meaning |`, "|---|---|---|---|"];
  for (const [path, schema] of rows) {
    const doc = docs[path];
    const f = unwrap(schema);
    const type = typeOf(schema) + (f.nullable ? " or `null`" : "");
    lines.push(`| \`${name(path)}\` | ${cell(type)} | ${cell(defaultOf(f, doc))} | ${cell(doc.description)} |`);
  }
  return lines.join("\n");
}

/** Schema fields without a description, and descriptions without a field. */
export function undocumentedFields(): { missing: string[]; unknown: string[] } {
  const env = Object.keys(envSchema.shape);
  const config = leaves(configFileSchema, "").map(([p]) => p);
  const fields = new Set([...env, ...config]);
  return {
    missing: [...env.filter((k) => !ENV_DOCS[k]), ...config.filter((p) => !CONFIG_DOCS[p])],
    unknown: [...Object.keys(ENV_DOCS), ...Object.keys(CONFIG_DOCS)].filter((k) => !fields.has(k)),
  };
}

/** A small complete file, parsed by the test so the example stays valid. */
export const EXAMPLE_YAML = `providers:
  - name: kc                       # /oauth/kc/… is its facade
    kind: keycloak
    issuer: https://sso.example.com/realms/mcp
    clientId: mcp-gateway          # pre-registered at the IdP
    clientSecret: change-me        # write-only: stored encrypted
    scopes: [openid, profile]
servers:
  - name: fetcher                  # clients connect to /servers/fetcher/mcp
    upstream: http://127.0.0.1:9001/mcp
    auth: oauth
    oauth:
      provider: kc
      mode: proxy
      audiences: [mcp-gateway]     # Keycloak's aud comes from its audience mappers
    publicUrls: [https://mcp.example.com]
    resourceMetadata:
      resourceName: Web fetcher
`;

export function renderConfigurationReference(): string {
  const { missing, unknown } = undocumentedFields();
  if (missing.length || unknown.length)
    throw new Error(
      `lib/config/field-docs.ts is out of step with the schemas: ${[
        ...missing.map((p) => `no description for ${p}`),
        ...unknown.map((p) => `${p} is no field`),
      ].join("; ")}`,
    );
  const config = leaves(configFileSchema, "");
  const under = (prefix: string) => config.filter(([p]) => p.startsWith(prefix));
  const envRows = Object.entries(envSchema.shape) as Array<[string, z.ZodType]>;
  return `<!-- Generated by \`npm run docs:config\` from lib/config/env.ts, lib/config/schema.ts and lib/config/field-docs.ts. Do not edit. -->

# Configuration reference

Portcullis is configured by environment variables (the process: where it listens, its database, its
public URL) and by providers and servers (what it protects). Providers and servers live in the
database: edit them in the console, through the [admin API](api.md), or declaratively from a YAML
file with \`PORTCULLIS_CONFIG\` or [\`portcullis apply\`](cli.md).

## Environment variables

${table("Variable", envRows, ENV_DOCS)}

An empty variable counts as unset. An invalid value stops the start with a message naming the
variable.

## Declarative configuration (YAML)

Applied at every start from \`PORTCULLIS_CONFIG\`, by \`portcullis apply -f FILE\`, or imported in
the console (**Config**). \`portcullis export\` prints the stored configuration in the same format.

- **Names are keys:** each provider and server is created or updated by its \`name\`; with
  \`--prune\`, the ones missing from the file are deleted.
- **Each entry replaces the stored one whole.** A field left out of an entry is reset to its
  default (lists empty, switches off), not kept: applying a server with only \`name\`,
  \`upstream\` and \`oauth.provider\` clears its \`oauth.audiences\` and
  \`oauth.requiredScopes\`. Secrets are the one exception (below). To change one field, export,
  edit and apply the whole entry. A dry run (\`portcullis apply --dry-run\`, or **Dry run** in the
  console) lists every field that would change, old → new, and marks the ones reset because the
  file leaves them out.
- **All or nothing:** the whole file is validated first and applied in one transaction. An invalid
  file changes nothing, and every error names its field, for example
  \`servers[1].oauth.provider: unknown provider "kc2"\`. Unknown keys are errors.
- **Secrets are write-only** (\`clientSecret\`, \`upstreamAuth.value\`): leave the field out to keep
  the stored value, set it to \`null\` to clear it. An export never contains them; it marks set
  secrets in a comment.
- A provider in use by a server cannot be deleted.

\`\`\`yaml
${EXAMPLE_YAML}\`\`\`

### Providers

${table("Field", under("providers[]."), CONFIG_DOCS)}

What to set for each identity provider: [providers/](providers/).

### Servers

${table("Field", under("servers[]."), CONFIG_DOCS)}
`;
}
