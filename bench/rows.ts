/**
 * The rows of `npm run bench` and the BENCH_ROWS selector (docs/performance.md). Row keys are unique across
 * the bench's two tables: the core table (bench/run.ts, alternating rounds) and the edge table
 * (bench/edge-rows.ts, a process or two per row, alternating rounds of its own).
 */

/** The core table: a–d, the policy row e and its split (er: the rules alone, ea: the audit alone). */
export const CORE_ROWS = ["a", "b", "c", "d", "e", "er", "ea"] as const;
export type CoreRowKey = (typeof CORE_ROWS)[number];

/**
 * The edge table: bare nginx, forward-auth with and without nginx's verdict cache, metrics off, tracing on,
 * the BENCH_BASE_REF build and two cluster workers; m, t, h and w are each compared with the table's own
 * reference row, a default single-process gateway, which runs whenever one of them does.
 */
export const EDGE_ROWS = ["n", "f", "fx", "m", "t", "h", "w"] as const;
export type EdgeRowKey = (typeof EDGE_ROWS)[number];

/** The full bench's core rows: a run with all of them also measures the SDK server and SSE and writes latest.json. */
const FULL: readonly CoreRowKey[] = ["a", "b", "c", "d", "e"];
const GROUPS: Record<string, readonly string[]> = {
  core: FULL,
  policy: ["e", "er", "ea"],
  edge: EDGE_ROWS.filter((k) => k !== "h"),
};

export type RowSelection = {
  core: CoreRowKey[];
  edge: EdgeRowKey[];
  /** Every row of a–e runs: the full bench. */
  full: boolean;
};

/**
 * BENCH_ROWS: comma-separated row keys or groups (core = a–e, policy = e er ea, edge = n f fx m t w), each table
 * run in its usual order. Unset: core and edge, with h when BENCH_BASE_REF names a build to compare.
 */
export function parseRows(raw: string | undefined, baseRef: string | undefined): RowSelection {
  const names =
    raw === undefined
      ? ["core", "edge", ...(baseRef ? ["h"] : [])]
      : raw
          .split(",")
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean);
  const all: readonly string[] = [...CORE_ROWS, ...EDGE_ROWS];
  const keys = new Set<string>();
  for (const n of names) {
    const group = GROUPS[n];
    if (group) group.forEach((k) => keys.add(k));
    else if (all.includes(n)) keys.add(n);
    else throw new Error(`BENCH_ROWS: unknown row ${JSON.stringify(n)} (${all.join(", ")}, or core, policy, edge)`);
  }
  if (keys.size === 0) throw new Error(`BENCH_ROWS names no row: ${JSON.stringify(raw)}`);
  if (keys.has("h") && !baseRef) throw new Error("BENCH_ROWS: row h needs BENCH_BASE_REF (a git ref to build)");
  const core = CORE_ROWS.filter((k) => keys.has(k));
  return { core, edge: EDGE_ROWS.filter((k) => keys.has(k)), full: FULL.every((k) => core.includes(k)) };
}

/**
 * Round `round`'s order of the rows: rotated by one each round, so each row runs first, second, … equally
 * often and a position's bias (the load generator's own garbage after the row before, say) hits every row alike.
 */
export const roundOrder = <T>(rows: readonly T[], round: number): T[] => {
  const k = round % Math.max(rows.length, 1);
  return [...rows.slice(k), ...rows.slice(0, k)];
};
