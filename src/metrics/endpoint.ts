// GET /metrics in Prometheus's text format. With METRICS_TOKEN it asks for that bearer token; in
// production without one it is off (404) unless METRICS_PUBLIC=true says the network keeps it
// private: the numbers tell an outsider how busy and how healthy the service is.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';

export type MetricsAccessConfig = Pick<Config, 'METRICS_TOKEN' | 'METRICS_PUBLIC' | 'production'>;

const digest = (value: string) => createHash('sha256').update(value).digest();

export function metricsEndpoint(registry: Registry, config: MetricsAccessConfig): Plugin {
  const expected = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : undefined;
  const served = expected !== undefined || !config.production || config.METRICS_PUBLIC === true;
  const headers = { 'cache-control': 'no-store' };
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      if (!served || (request.method !== 'GET' && request.method !== 'HEAD')) {
        endResponse(new fetchAPI.Response('Not found', { status: 404, headers }));
        return;
      }
      if (expected) {
        const given = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim();
        // Compared as digests: equal lengths, so the comparison reveals nothing of the token.
        if (!given || !timingSafeEqual(digest(given), expected)) {
          endResponse(
            new fetchAPI.Response('A bearer token is required', {
              status: 401,
              headers: { ...headers, 'www-authenticate': 'Bearer realm="metrics"' },
            }),
          );
          return;
        }
      }
      return registry.metrics().then((text) => {
        endResponse(new fetchAPI.Response(text, { headers: { ...headers, 'content-type': registry.contentType } }));
      });
    },
  };
}
