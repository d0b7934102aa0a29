// Traces (OpenTelemetry), as the rest of the code sees them: through the API alone, never the SDK
// (src/ops/tracing.ts loads that, only when tracing is asked for). Off, each helper here costs one
// boolean test: no span, no context lookup.
import {
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type SpanOptions,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

let enabled = false;

/** True once src/ops/tracing.ts has registered a tracer provider. */
export const tracingEnabled = (): boolean => enabled;

/** For src/ops/tracing.ts alone: tracing has started (or stopped). */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

/** The W3C traceparent of the active span (the GraphQL operation queueing an email), or null. */
export function currentTraceparent(): string | null {
  if (!enabled) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** A link to the span a stored traceparent names: a delivery attempt points back to the request that queued it. */
export function linksTo(traceparent: string | null | undefined): Link[] {
  if (!traceparent) return [];
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}

/**
 * Runs `work` in a span of its own, the active one while it lasts (what it does inside is its
 * children); a failure sets the span's status to ERROR with the error's name only, since a
 * message may quote a value. Off, it only runs `work`.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: () => PromiseLike<T>): Promise<T> {
  if (!enabled) return Promise.resolve(work());
  return trace.getTracer('invitation-api').startActiveSpan(name, options, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}
