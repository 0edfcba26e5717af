/**
 * Declarative config as YAML: parse (syntax errors with line and column), turn a
 * validated file into changes, and export the stored config as YAML that `apply`
 * accepts unchanged. Secrets are never exported: an omitted secret keeps the
 * stored one on apply, so export → apply is a no-op.
 */
import { parseDocument, Document, isMap, isSeq, type YAMLMap } from "yaml";
import type { ProviderView, ServerView } from "./model";
import { z } from "zod";
import type { FieldError } from "../errors";
import { providerSchema, serverSchema, type ConfigFile } from "./schema";
import { validationError, zodFieldErrors } from "./field-errors";
import { orderLikeSchema } from "./schema-shape";
import { explainTypos } from "./typos";
import type { Change } from "./changes";

export function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length) {
    throw validationError(
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "(yaml)",
        message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""),
      })),
      "YAML",
    );
  }
  return doc.toJS() ?? {};
}

const fileShape = z.strictObject({
  providers: z.array(z.unknown()).default([]),
  servers: z.array(z.unknown()).default([]),
});

export type ParsedConfigFile = {
  file: ConfigFile;
  errors: FieldError[];
  /** Names of entries that failed validation: cross-references to them are not reported twice. */
  invalidProviderNames: string[];
  /** Provider references of server entries that failed validation, still checked for existence. */
  invalidServerRefs: { index: number; provider: string }[];
  /** The entries as written, before defaults: what the file mentions. */
  raw: { providers: unknown[]; servers: unknown[] };
};

/**
 * Validates each entry on its own, so one bad entry does not hide the errors of
 * the others; the caller adds cross-reference errors and applies nothing if any.
 */
export function parseConfigFileDetailed(text: string): ParsedConfigFile {
  const top = fileShape.safeParse(parseYaml(text));
  if (!top.success) throw validationError(zodFieldErrors(top.error));
  const errors: FieldError[] = [];
  const file: ConfigFile = { providers: [], servers: [] };
  const invalidProviderNames: string[] = [];
  const invalidServerRefs: { index: number; provider: string }[] = [];
  top.data.providers.forEach((raw, i) => {
    const r = providerSchema.safeParse(raw);
    if (r.success) file.providers.push(r.data);
    else {
      errors.push(...explainTypos(zodFieldErrors(r.error, ["providers", i]), "providers", i));
      const name = (raw as { name?: unknown })?.name;
      if (typeof name === "string") invalidProviderNames.push(name);
    }
  });
  top.data.servers.forEach((raw, i) => {
    const r = serverSchema.safeParse(raw);
    if (r.success) file.servers.push(Object.assign(r.data, { [ENTRY_INDEX]: i }));
    else {
      errors.push(...explainTypos(zodFieldErrors(r.error, ["servers", i]), "servers", i));
      const provider = (raw as { oauth?: { provider?: unknown } })?.oauth?.provider;
      if (typeof provider === "string") invalidServerRefs.push({ index: i, provider });
    }
  });
  return { file, errors, invalidProviderNames, invalidServerRefs, raw: top.data };
}

/** Keeps each entry's position in the file, so errors found later name the right index. */
const ENTRY_INDEX = Symbol("entryIndex");
const indexOf = (v: object, fallback: number): number => (v as { [ENTRY_INDEX]?: number })[ENTRY_INDEX] ?? fallback;

export function configFileToChanges(
  file: ConfigFile,
  opts: { prune?: boolean; existing?: { providers: Iterable<string>; servers: Iterable<string> } } = {},
): Change[] {
  const changes: Change[] = [
    ...file.providers.map((value, i): Change => ({ op: "upsert-provider", value, at: ["providers", i] })),
    ...file.servers.map((value, i): Change => ({ op: "upsert-server", value, at: ["servers", indexOf(value, i)] })),
  ];
  if (opts.prune && opts.existing) {
    const keepP = new Set(file.providers.map((p) => p.name));
    const keepS = new Set(file.servers.map((s) => s.name));
    for (const name of opts.existing.servers)
      if (!keepS.has(name)) changes.push({ op: "delete-server", name, at: ["servers"] });
    for (const name of opts.existing.providers)
      if (!keepP.has(name)) changes.push({ op: "delete-provider", name, at: ["providers"] });
  }
  return changes;
}

/** Stored views → the config file shape (no secrets, no computed fields). */
export function viewsToConfig(providers: ProviderView[], servers: ServerView[]) {
  return {
    providers: providers.map(({ clientSecretSet: _s, updatedAt: _u, ...p }) => p),
    servers: servers.map(({ effectivePath: _p, upstreamAuthValueSet: _v, updatedAt: _u, ...s }) => s),
  };
}

/**
 * The same config always exports to the same bytes (no timestamp; entries by name, fields in the schema's
 * order), so an exported file kept in git changes only when the config does.
 */
export function exportYaml(providers: ProviderView[], servers: ServerView[]): string {
  const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : 1));
  providers = byName(providers);
  servers = byName(servers);
  const config = viewsToConfig(providers, servers);
  const doc = new Document({
    providers: config.providers.map((p) => orderLikeSchema(p, providerSchema)),
    servers: config.servers.map((s) => orderLikeSchema(s, serverSchema)),
  });
  doc.commentBefore =
    " Portcullis configuration.\n Secrets are not exported; leaving them out keeps the stored values when this file is applied.";
  const comment = (seqKey: string, match: (i: number) => string | undefined) => {
    const seq = doc.get(seqKey);
    if (!isSeq(seq)) return;
    seq.items.forEach((item, i) => {
      const note = match(i);
      if (note && isMap(item)) (item as YAMLMap).commentBefore = ` ${note}`;
    });
  };
  comment("providers", (i) => (providers[i].clientSecretSet ? "clientSecret: set (not exported)" : undefined));
  comment("servers", (i) => (servers[i].upstreamAuthValueSet ? "upstreamAuth.value: set (not exported)" : undefined));
  return doc.toString({ lineWidth: 0 });
}
