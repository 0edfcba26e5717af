/**
 * Glob patterns of policy rules, compiled once per config version: `*` is any
 * run of characters (`/` included), `?` one character, the rest literal.
 * Patterns without wildcards are a Set lookup; the others one anchored RegExp.
 */
export type GlobSet = { test(value: string): boolean; readonly patterns: readonly string[] };

const escape = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&");

export function compileGlobs(patterns: readonly string[]): GlobSet {
  const exact = new Set<string>();
  const wild: string[] = [];
  for (const p of patterns) {
    if (p === "*") return { test: () => true, patterns };
    if (/[*?]/.test(p)) wild.push(escape(p).replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]"));
    else exact.add(p);
  }
  const re = wild.length ? new RegExp(`^(?:${wild.join("|")})$`) : undefined;
  return { test: (v) => exact.has(v) || (re !== undefined && re.test(v)), patterns };
}
