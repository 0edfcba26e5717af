/** The collections in a process's `--trace-gc` output: one line per scavenge or mark-compact (reduce ones included). */
export function gcTraceLines(output: string): string[] {
  return output.split("\n").filter((l) => /ms: (Scavenge|Mark-Compact)/.test(l));
}
