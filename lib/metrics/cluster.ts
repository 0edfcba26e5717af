/**
 * Metrics of a node:cluster gateway: every worker keeps its own registry and
 * answers the primary's requests for it; the primary's `/metrics` serves the
 * aggregate (prom-client's AggregatorRegistry: counters and histograms summed,
 * gauges by their `aggregator`, e.g. the oldest JWKS age, the lowest config
 * version; Node's process metrics per their defaults). docs/observability.md.
 */
import { AggregatorRegistry, type Registry } from "prom-client";
import type { MetricsSource } from "./endpoint";

/** In a worker: answer the primary's metrics requests with this registry. */
export function reportToPrimary(registry: Registry): void {
  new AggregatorRegistry(); // installs the worker's IPC listener (once per process)
  AggregatorRegistry.setRegistries([registry]);
}

/** In the primary: the aggregate of every connected worker's registry. */
export function clusterSource(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  return { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() };
}
