// A span for each GraphQL operation (envelop's OpenTelemetry plugin), active while it executes,
// so the statements it runs are its children and what it queues records its trace context. The
// document is recorded when it has no inline arguments; variables and results never are (they
// carry passwords and tokens), nor a span per resolver. Imported only when tracing is on.
import type { Plugin } from 'graphql-yoga';

export async function useOperationSpans(): Promise<Plugin> {
  const [{ useOpenTelemetry }, { trace }] = await Promise.all([
    import('@envelop/opentelemetry'),
    import('@opentelemetry/api'),
  ]);
  const provider = trace.getTracerProvider() as Parameters<typeof useOpenTelemetry>[1];
  // Its context type names a symbol of its own, which yoga's context need not carry.
  return useOpenTelemetry(
    { resolvers: false, variables: false, result: false },
    provider,
    undefined,
    undefined,
    'invitation-api',
  ) as Plugin;
}
