// One log line per HTTP request, as a yoga plugin placed first: method, path (never the query
// string), GraphQL operation name, status, duration in milliseconds and the request id, which the
// response carries back as `x-request-id`. Probes and scrapes (/health, /ready, /metrics) log at
// debug, so the info log is the traffic. A streamed response (SSE) is logged when it begins.
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../lib/logger.js';
import { REQUEST_ID_HEADER, requestId } from './requestIds.js';

const probes = new Set(['/health', '/ready', '/metrics']);

export function useRequestLog(logger: Logger): Plugin {
  const started = new WeakMap<Request, number>();
  const operations = new WeakMap<Request, string>();
  const noteOperation = (args: {
    document: Parameters<typeof getOperationAST>[0];
    operationName?: string | null;
    contextValue: unknown;
  }) => {
    const request = (args.contextValue as { request?: Request }).request;
    const name = getOperationAST(args.document, args.operationName)?.name?.value;
    if (request && name) operations.set(request, name);
  };
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onParams({ params, request }) {
      if (params.operationName) operations.set(request, params.operationName);
    },
    onExecute: ({ args }) => noteOperation(args),
    onSubscribe: ({ args }) => noteOperation(args),
    onResponse({ request, response, setResponse, fetchAPI }) {
      const id = requestId(request);
      try {
        response.headers.set(REQUEST_ID_HEADER, id);
      } catch {
        // Immutable headers (a redirect made by Response.redirect): the same response, one header more.
        const headers = new fetchAPI.Headers(response.headers);
        headers.set(REQUEST_ID_HEADER, id);
        setResponse(new fetchAPI.Response(response.body, { status: response.status, headers }));
      }
      const path = new URL(request.url, 'http://localhost').pathname;
      const start = started.get(request);
      const line = {
        requestId: id,
        method: request.method,
        path,
        operation: operations.get(request) ?? null,
        status: response.status,
        durationMs: start === undefined ? null : Math.round((performance.now() - start) * 10) / 10,
      };
      if (probes.has(path)) logger.debug('request', line);
      else logger.info('request', line);
    },
  };
}
