/**
 * `name = value` lines ⇄ a string record, for map-valued settings edited as
 * text in the console (a provider's scope map and extra authorize
 * parameters). An empty value is kept: in a scope map it means "drop this
 * scope", which is a real setting, not a blank field.
 */
export function pairsToLines(record: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(record ?? {}).map(([k, v]) => (v === "" ? `${k} =` : `${k} = ${v}`));
}

export type ParsedPairs = { value: Record<string, string>; errors: string[] };

export function linesToPairs(lines: readonly string[]): ParsedPairs {
  const value: Record<string, string> = {};
  const errors: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? "" : line.slice(0, eq).trim();
    if (eq < 0 || !key) {
      errors.push(`"${line}" is not name = value`);
      continue;
    }
    if (Object.hasOwn(value, key)) {
      errors.push(`"${key}" is listed twice`);
      continue;
    }
    value[key] = line.slice(eq + 1).trim();
  }
  return { value, errors };
}
