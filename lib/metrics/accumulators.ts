/**
 * Counters and a histogram that the request path updates with plain number
 * increments, handed to prom-client only when someone scrapes. prom-client's
 * own `inc()` / `observe()` hash the label values on every call (about 1 µs per
 * request for the two MCP request metrics, a few % of the proxy's CPU);
 * here a request costs a Map lookup and an add.
 * Formatting and cluster aggregation stay prom-client's: counters are real
 * prom-client Counters brought up to date in `collect()`, and the histogram
 * is a metric object in prom-client's own shape, registered on its registry.
 */
import { Counter, type Registry } from "prom-client";

type Labels = Record<string, string>;

/** One label set's running count, bumped by the request path. */
export type CountSlot = { count: number; flushed: number; readonly labels: Labels };

/** A prom-client Counter fed from slots: `slot(...)` once per label set, then `slot.count++` per event. */
export class DeferredCounter {
  private readonly slots = new Map<string, CountSlot>();
  private readonly counter: Counter<string>;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    const slots = this.slots;
    this.counter = new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const s of slots.values()) {
          if (s.count === s.flushed) continue;
          this.inc(s.labels, s.count - s.flushed);
          s.flushed = s.count;
        }
      },
    });
  }

  /** The slot of a label set (values in labelNames order), created on first use. */
  slot(labels: Labels): CountSlot {
    const key = Object.values(labels).join("\u0000");
    let s = this.slots.get(key);
    if (!s) {
      s = { count: 0, flushed: 0, labels };
      this.slots.set(key, s);
      this.counter.inc(labels, 0); // the series exists from its first event, at 0 until the next scrape
    }
    return s;
  }
}

/** One label set's histogram: non-cumulative bucket counts (the last is +Inf), sum and count. */
export type HistogramSlot = { readonly counts: Float64Array; sum: number; count: number; readonly labels: Labels };

/** A histogram in prom-client's metric shape (`get()`), observed without prom-client on the hot path. */
export class DeferredHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly slots: HistogramSlot[] = [];

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
  ) {
    registry.registerMetric(this as never);
  }

  slot(labels: Labels): HistogramSlot {
    const s: HistogramSlot = { counts: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0, labels };
    this.slots.push(s);
    return s;
  }

  observe(s: HistogramSlot, value: number): void {
    const b = this.upperBounds;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  /** prom-client's metric interface: what its registry formats and its cluster aggregator merges. */
  get() {
    const bucket = `${this.name}_bucket`;
    const values: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
    for (const s of this.slots) {
      let acc = 0;
      this.upperBounds.forEach((le, i) => {
        acc += s.counts[i];
        values.push({ value: acc, labels: { ...s.labels, le }, metricName: bucket });
      });
      values.push({ value: s.count, labels: { ...s.labels, le: "+Inf" }, metricName: bucket });
      values.push({ value: s.sum, labels: s.labels, metricName: `${this.name}_sum` });
      values.push({ value: s.count, labels: s.labels, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The registry calls reset() on `registry.resetMetrics()`. */
  reset(): void {
    for (const s of this.slots) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
