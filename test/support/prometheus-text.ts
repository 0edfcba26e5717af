// Reads Prometheus text exposition for tests: every line must be a HELP/TYPE comment or a sample of the
// family its TYPE line announced (checked here and by parse-prometheus-text-format, which throws on any
// line that is not valid exposition), histogram buckets must be cumulative and end in +Inf = _count.
import parse from "parse-prometheus-text-format";

export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Family = { name: string; type: string; help: string; samples: Sample[] };

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;

function parseLabels(raw: string | undefined, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!raw) return labels;
  LABEL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = LABEL_RE.exec(raw))) {
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    end = LABEL_RE.lastIndex;
  }
  if (end !== raw.length) throw new Error(`bad labels in line: ${line}`);
  return labels;
}

export function parsePrometheus(text: string): Map<string, Family> {
  parse(text); // throws on an invalid line
  const out = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.split("\n")) {
    if (!line) continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      current = out.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      out.set(name, current);
      if (kind === "HELP") current.help = rest;
      else current.type = rest;
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const [, name, rawLabels, value] = m;
    const suffixes =
      current?.type === "histogram"
        ? ["_bucket", "_sum", "_count"]
        : current?.type === "summary"
          ? ["_sum", "_count"]
          : [];
    if (!current || (name !== current.name && !suffixes.some((s) => name === current!.name + s)))
      throw new Error(`sample outside its family: ${line}`);
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes "Nan").
    const v = /^[+-]?inf$/i.test(value) ? (value.startsWith("-") ? -Infinity : Infinity) : Number(value);
    if (Number.isNaN(v) && !/^nan$/i.test(value)) throw new Error(`bad value: ${line}`);
    current.samples.push({ name, labels: parseLabels(rawLabels, line), value: v });
  }
  for (const f of out.values()) if (f.type === "histogram") checkHistogram(f);
  return out;
}

function checkHistogram(f: Family) {
  const series = new Map<string, Sample[]>();
  for (const s of f.samples.filter((s) => s.name.endsWith("_bucket"))) {
    const { le, ...rest } = s.labels;
    void le;
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, buckets] of series) {
    for (let i = 1; i < buckets.length; i++)
      if (buckets[i].value < buckets[i - 1].value) throw new Error(`${f.name}${key}: buckets not cumulative`);
    const inf = buckets.at(-1)!;
    const count = f.samples.find((s) => s.name.endsWith("_count") && JSON.stringify(s.labels) === key);
    if (inf.labels.le !== "+Inf" || count?.value !== inf.value) throw new Error(`${f.name}${key}: +Inf ≠ _count`);
  }
}

/** The sum of the samples named `name` whose labels include `labels`; 0 if none. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name) ?? families.get(name.replace(/_(bucket|count|sum)$/, ""));
  let total = 0;
  for (const s of family?.samples ?? [])
    if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
  return total;
}
