/**
 * Metrics of a node:cluster gateway (docs/observability.md). Every process counts in its own registry;
 * `/metrics` serves the aggregate of the primary's and every serving worker's registry, merged by
 * prom-client (`AggregatorRegistry.aggregate`: counters and histograms summed, gauges by their
 * `aggregator`, Node's process metrics by prom-client's rules). The primary collects the workers'
 * registries over the cluster's IPC channel; a worker that serves `/metrics` (single port) asks the
 * primary for the aggregate.
 */
import type { Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";
import { AppError, errorMessage } from "../errors";
import { isMessage, primaryRequests, sendToPrimary } from "../http/cluster-messages";
import type { MetricsSource } from "./endpoint";

type RegistryJson = Awaited<ReturnType<Registry["getMetricsAsJSON"]>>;

/** Primary → worker: send your registry. Worker → primary: here it is. */
type Collect = { kind: "portcullis:metrics-collect"; id: number };
type Collected = { kind: "portcullis:metrics-collected"; id: number; metrics?: RegistryJson; error?: string };
/** Worker → primary: the cluster's text, please (it serves `/metrics`). Primary → worker: the text. */
type Scrape = { kind: "portcullis:metrics-scrape"; id: number };
type Scraped = { kind: "portcullis:metrics-scraped"; id: number; text?: string; error?: string };

/** How long a scrape waits for the other processes before it fails (a worker that exits meanwhile is left out). */
const TIMEOUT_MS = 5000;

/**
 * The primary's own part: its process metrics, config version, JWKS fetches. Not its JWKS age: only
 * the console's inspector and self-test use its keys, so their age says nothing about the MCP path.
 */
const primaryPart = async (own: Registry): Promise<RegistryJson> =>
  (await own.getMetricsAsJSON()).filter((m) => m.name !== "portcullis_jwks_age_seconds");

/** In the primary: `/metrics` as the sum of this process and the `serving()` workers. */
export function clusterSource(own: Registry, serving: () => Iterable<Worker>): MetricsSource {
  let nextId = 0;
  const collect = (w: Worker, id: number) =>
    new Promise<RegistryJson>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        w.off("message", onMessage);
        w.off("exit", onExit);
      };
      const onMessage = (m: unknown) => {
        if (!isMessage<Collected>(m, "portcullis:metrics-collected") || m.id !== id) return;
        done();
        if (m.metrics) resolve(m.metrics);
        else reject(new AppError("internal", `worker ${w.id} could not collect its metrics: ${m.error}`));
      };
      // A worker that exits took its counts with it: the others are still worth reporting.
      const onExit = () => {
        done();
        resolve([]);
      };
      const timer = setTimeout(() => {
        done();
        reject(new AppError("internal", `worker ${w.id} did not send its metrics within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
      w.on("message", onMessage);
      w.once("exit", onExit);
      w.send({ kind: "portcullis:metrics-collect", id } satisfies Collect);
    });
  return {
    contentType: own.contentType,
    async metrics() {
      const id = nextId++;
      const workers = [...serving()].filter((w) => w.isConnected());
      const parts = await Promise.all([primaryPart(own), ...workers.map((w) => collect(w, id))]);
      return AggregatorRegistry.aggregate(parts).metrics();
    },
  };
}

/** In the primary: answers a worker that serves `/metrics` with the cluster's text. */
export function answerScrape(w: Worker, m: unknown, source: MetricsSource): boolean {
  if (!isMessage<Scrape>(m, "portcullis:metrics-scrape")) return false;
  const reply = (r: Omit<Scraped, "kind" | "id">) => {
    if (w.isConnected()) w.send({ kind: "portcullis:metrics-scraped", id: m.id, ...r } satisfies Scraped);
  };
  source.metrics().then(
    (text) => reply({ text }),
    (e: unknown) => reply({ error: errorMessage(e) }),
  );
  return true;
}

/**
 * In a worker: answers the primary's collection requests with this registry, and returns the source a
 * worker's `/metrics` serves (the cluster's aggregate, from the primary).
 */
export function reportToPrimary(registry: Registry): MetricsSource {
  // A collection answer that cannot be written is the primary's to time out.
  const send = (m: Collected) => sendToPrimary(m, () => {});
  process.on("message", (m: unknown) => {
    if (!isMessage<Collect>(m, "portcullis:metrics-collect")) return;
    registry.getMetricsAsJSON().then(
      (metrics) => send({ kind: "portcullis:metrics-collected", id: m.id, metrics }),
      (e: unknown) => send({ kind: "portcullis:metrics-collected", id: m.id, error: errorMessage(e) }),
    );
  });
  const primary = primaryRequests<Scraped>("portcullis:metrics-scraped", {
    timeoutMs: TIMEOUT_MS * 2,
    timeout: () => new AppError("internal", "the primary did not answer with the metrics"),
  });
  return {
    contentType: registry.contentType,
    async metrics() {
      const answer = await primary.ask((id): Scrape => ({ kind: "portcullis:metrics-scrape", id }));
      if (answer.text === undefined)
        throw new AppError("internal", `the primary could not aggregate the metrics: ${answer.error}`);
      return answer.text;
    },
  };
}
