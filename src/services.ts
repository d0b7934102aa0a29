// Wires the services together from their explicit dependencies; no module state.

import type { MemberFollower } from './accounts/members.js';
import { type AccountService, createAccountService } from './accounts/service.js';
import { type AnalyticsService, createAnalyticsService } from './analytics/service.js';
import type { TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAccountOutbox } from './delivery/accountEmails.js';
import { createOutbox } from './delivery/outbox.js';
import type { Sealer } from './delivery/sealing.js';
import type { EventBus } from './events/bus.js';
import type { ChangeFollower } from './invitations/changes.js';
import { createLiveService, type LiveService } from './invitations/live.js';
import { createInvitationService, type InvitationService } from './invitations/service.js';
import type { MailboxProofs } from './invitations/tokens.js';
import type { Clock } from './lib/clock.js';
import type { Metrics } from './lib/metrics.js';
import { createRateLimiter } from './rateLimits/limiter.js';
import { createWebhookEndpoints, type WebhookEndpoints } from './webhooks/endpoints.js';

export interface Services {
  accounts: AccountService;
  analytics: AnalyticsService;
  invitations: InvitationService;
  live: LiveService;
  tokens: TokenService;
  webhooks: WebhookEndpoints;
}

export function createServices(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  tokens: TokenService;
  events: EventBus;
  sealer: Sealer;
  proofs: MailboxProofs;
  /** Webhooks out: queues a change's deliveries in its transaction. */
  follower: ChangeFollower & MemberFollower;
  metrics?: Metrics;
}): Services {
  const rateLimiter = createRateLimiter({ db: deps.db, clock: deps.clock });
  const accounts = createAccountService({
    db: deps.db,
    tokens: deps.tokens,
    rateLimiter,
    outbox: createAccountOutbox(deps),
    config: deps.config,
    clock: deps.clock,
    follower: deps.follower,
  });
  return {
    webhooks: createWebhookEndpoints(deps),
    tokens: deps.tokens,
    accounts,
    analytics: createAnalyticsService(deps),
    invitations: createInvitationService({ ...deps, accounts, outbox: createOutbox(deps) }),
    live: createLiveService({
      ...deps,
      resume: {
        horizonSeconds: deps.config.FEED_RESUME_HORIZON_SECONDS,
        maxEvents: deps.config.FEED_RESUME_MAX_EVENTS,
      },
    }),
  };
}
