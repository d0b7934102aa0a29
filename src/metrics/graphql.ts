// The GraphQL layer's metrics: yoga's Prometheus plugin (HTTP, parse, validate, context, execute
// and subscribe durations, operations, errors) with labels we choose, and the open subscriptions
// per transport. No label carries a URL (an SSE request's query string holds its variables) or
// an error's path with list indices: errors are labelled by their `extensions.code`.
import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Gauge, type Registry } from 'prom-client';
import { isDatabaseUnavailable } from '../db/availability.js';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The code the client sees. The plugin counts errors before yoga masks them, so what masking
 * (src/graphql/server.ts) will make of an error without a code is worked out here: the database
 * unavailable, or an unexpected error. A document that does not parse or validate is the client's.
 */
function errorCode(error: GraphQLError | undefined, phase: string | undefined): string {
  const code = error?.extensions?.code;
  if (typeof code === 'string') return code;
  if (phase === 'parse') return 'GRAPHQL_PARSE_FAILED';
  if (phase === 'validate') return 'GRAPHQL_VALIDATION_FAILED';
  const original = error?.originalError;
  if (original && isDatabaseUnavailable(original)) return 'DATABASE_UNAVAILABLE';
  if (original && !(original instanceof GraphQLError)) return 'INTERNAL_SERVER_ERROR';
  return 'UNKNOWN';
}

export function graphqlMetricsPlugins(registry: Registry): Plugin[] {
  const prometheus = usePrometheus({
    registry,
    // Served by our own route (src/metrics/endpoint.ts), behind the token.
    endpoint: false,
    skipIntrospection: true,
    metrics: {
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'GraphQL errors in results, by phase and the extensions.code the client sees (INTERNAL_SERVER_ERROR for a masked unexpected error).',
          labelNames: ['operationType', 'operationName', 'phase', 'code'],
        },
        fillLabelsFn: (params) => ({
          operationType: params.operationType ?? 'unknown',
          operationName: params.operationName ?? 'Anonymous',
          phase: params.errorPhase ?? 'unknown',
          code: errorCode(params.error as GraphQLError | undefined, params.errorPhase),
        }),
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: {
          name: 'graphql_yoga_http_duration',
          help: 'Time to answer a GraphQL HTTP request (to the start of the stream for SSE), by status.',
          labelNames: ['operationType', 'operationName', 'method', 'statusCode'],
        },
        fillLabelsFn: (params, { request, response }) => ({
          operationType: params.operationType ?? 'unknown',
          operationName: params.operationName ?? 'Anonymous',
          method: request.method,
          statusCode: response.status,
        }),
      }),
    },
  });

  const open = new Gauge({
    name: 'graphql_subscriptions_open',
    help: 'Subscriptions streaming now, by transport (sse: over HTTP through yoga; graphql-ws: over WebSocket).',
    labelNames: ['transport'],
    registers: [registry],
  });
  open.labels('sse').set(0);
  open.labels('graphql-ws').set(0);
  const subscriptions: Plugin = {
    onSubscribe({ args }) {
      // yoga's HTTP context carries the request; the graphql-ws door builds its own without one.
      const transport = 'request' in (args.contextValue as object) ? 'sse' : 'graphql-ws';
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          open.labels(transport).inc();
          return { onEnd: () => open.labels(transport).dec() };
        },
      };
    },
  };
  return [prometheus, subscriptions];
}
