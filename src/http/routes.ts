// The HTTP routes beside GraphQL, as a yoga plugin that answers before GraphQL runs: request size
// limits, provider webhooks, open and click tracking, the JWKS, and /health and /ready (health.ts).
// Talks to the webhook handler, the tracker, the token service and the database.
import type { Plugin } from 'graphql-yoga';
import type { TokenService } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Sealer } from '../delivery/sealing.js';
import { createTracker, PIXEL } from '../delivery/tracking.js';
import { createWebhookHandler } from '../delivery/webhooks.js';
import type { EventBus } from '../events/bus.js';
import type { ChangeFollower } from '../invitations/changes.js';
import type { Clock } from '../lib/clock.js';
import type { Metrics } from '../lib/metrics.js';
import type { Health } from './health.js';

export function createRoutes(deps: {
  config: Config;
  database: Database;
  clock: Clock;
  events: EventBus;
  sealer: Sealer;
  tokens: TokenService;
  health: Health;
  /** Hears of the invitation changes the provider webhooks and tracking make (webhooks out). */
  follower: ChangeFollower;
  /** Aborted when the server starts stopping: from then on it is not ready. */
  stopping?: AbortSignal;
  metrics?: Metrics;
}): Plugin {
  const { config, database, clock, events, sealer, tokens, health, follower, stopping, metrics } = deps;
  const noStore = { 'cache-control': 'no-store' };

  const webhooks = createWebhookHandler({
    db: database.db,
    clock,
    events,
    secret: config.WEBHOOK_SECRET,
    toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
    follower,
    metrics,
  });

  const tracker = config.EMAIL_TRACKING_ENABLED
    ? createTracker({ db: database.db, clock, events, sealer, follower })
    : undefined;
  const tracked = /^\/t\/([oc])\/([^/]+)$/;

  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (Number(length ?? 0) > config.MAX_REQUEST_BYTES) {
        endResponse(new fetchAPI.Response('Request body too large', { status: 413 }));
        return;
      }
      // A body of unstated length could be any size; every GraphQL client states it.
      if (length === null && request.headers.has('transfer-encoding')) {
        endResponse(new fetchAPI.Response('Content-Length required', { status: 411 }));
        return;
      }
      if (url.pathname === '/webhooks/email' && request.method === 'POST') {
        return request.text().then(async (body) => {
          const outcome = await webhooks.handle(
            {
              timestamp: request.headers.get('x-webhook-timestamp'),
              signature: request.headers.get('x-webhook-signature'),
            },
            body,
          );
          endResponse(Response.json(outcome.body, { status: outcome.status }));
        });
      }
      const track = tracker && request.method === 'GET' ? tracked.exec(url.pathname) : null;
      if (tracker && track) {
        const [, kind, id = ''] = track;
        if (kind === 'o') {
          return tracker.opened(id).then(() => {
            endResponse(
              new fetchAPI.Response(PIXEL, { headers: { 'content-type': 'image/gif', 'cache-control': 'no-store' } }),
            );
          });
        }
        return tracker.clicked(id).then((link) => {
          endResponse(
            link
              ? new fetchAPI.Response(null, { status: 302, headers: { location: link, 'cache-control': 'no-store' } })
              : new fetchAPI.Response('This invitation link is no longer valid', { status: 410 }),
          );
        });
      }
      if (url.pathname === '/.well-known/jwks.json') {
        endResponse(Response.json(tokens.jwks()));
      } else if (url.pathname === '/ready' && stopping?.aborted) {
        endResponse(Response.json({ ready: false, stopping: true }, { status: 503, headers: noStore }));
      } else if (url.pathname === '/ready' || url.pathname === '/health') {
        const readiness = url.pathname === '/ready';
        return health.check().then((report) => {
          const status = readiness && !report.ready ? 503 : 200;
          endResponse(Response.json(report, { status, headers: noStore }));
        });
      }
    },
  };
}
