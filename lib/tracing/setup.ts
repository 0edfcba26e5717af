/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`;
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keep it off). The
 * SDK is imported only then. It reads the other standard variables itself:
 * headers, timeout, compression (the exporter), OTEL_TRACES_SAMPLER[_ARG]
 * (the provider), OTEL_BSP_* (the batch processor), OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES (the resource; the service name defaults to
 * `portcullis`). Spans go out over OTLP/HTTP as JSON.
 */
import { trace } from "@opentelemetry/api";
import type { Logger } from "../log";
import { useTracer } from "./tracer";

type OtelEnv = Record<string, string | undefined>;

export function tracingConfigured(env: OtelEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  if (
    env.OTEL_TRACES_EXPORTER?.split(",")
      .map((s) => s.trim())
      .includes("none")
  )
    return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** Returns the function that flushes and stops the SDK, or undefined when tracing is off. */
export async function startTracing(
  env: OtelEnv,
  logger: Pick<Logger, "info" | "warn">,
  version: string,
): Promise<(() => Promise<void>) | undefined> {
  if (!tracingConfigured(env)) return undefined;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol && protocol !== "http/json")
    logger.warn(
      { protocol },
      "traces are exported over OTLP/HTTP as JSON (http/json); the protocol setting is ignored",
    );
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, resources] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ "service.name": "portcullis", "service.version": version }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register(); // W3C trace context propagation, AsyncLocalStorage context manager
  useTracer(trace.getTracer("portcullis", version));
  logger.info(
    { endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT },
    "exporting traces over OTLP/HTTP",
  );
  return async () => {
    useTracer(undefined);
    await provider.shutdown();
  };
}
