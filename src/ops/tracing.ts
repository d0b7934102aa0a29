// Starts OpenTelemetry tracing, which the entry points do when the configuration asks for it
// (config.tracesExporter: OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
// OTEL_TRACES_EXPORTER other than `none`). The SDK and the exporter are imported here on demand,
// so a server without those variables loads none of them.
// The OTLP exporter (over HTTP, JSON) and the sampler read the standard OTEL_* variables
// themselves (endpoint, headers, timeout, OTEL_TRACES_SAMPLER); OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES name the service, `invitation-api` by default.
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { setTracingEnabled } from '../lib/tracing.js';

export interface Tracing {
  /** Sends what is still buffered and stops tracing. */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider (W3C trace context, AsyncLocalStorage for the active span) that
 * exports to `exporter` (tests pass an in-memory one, each span as it ends), else to the exporter
 * named (`otlp` or `console`), in batches.
 */
export async function startTracing(
  options: { exporter: SpanExporter } | { exporterName: 'otlp' | 'console' },
): Promise<Tracing> {
  const [{ NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter }, resources] =
    await Promise.all([import('@opentelemetry/sdk-trace-node'), import('@opentelemetry/resources')]);
  const processor =
    'exporter' in options
      ? new SimpleSpanProcessor(options.exporter)
      : new BatchSpanProcessor(
          options.exporterName === 'console'
            ? new ConsoleSpanExporter()
            : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(),
        );
  const resource = new resources.Resource({ 'service.name': 'invitation-api' }).merge(
    resources.envDetectorSync.detect(),
  );
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  setTracingEnabled(true);
  return {
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown();
      const api = await import('@opentelemetry/api');
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    },
  };
}
