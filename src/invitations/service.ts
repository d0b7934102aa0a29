// The invitation lifecycle as one facade: issuing (check, send, bulk send), resending, withdrawing,
// responding (preview, accept, decline) and expiry, each a module of its own wired here with its
// explicit dependencies. Every change is one transaction with its timeline event and audit row;
// typed failures roll back whatever the attempt wrote. The email goes out through the outbox port.
import type { AccountService } from '../accounts/service.js';
import { createAuditLog } from '../audit/log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from '../lib/clock.js';
import { type Metrics, noMetrics, observeSend } from '../lib/metrics.js';
import { type ChangeFollower, createChanges } from './changes.js';
import { createClosing } from './closing.js';
import { createExpiry } from './expiry.js';
import { createIdempotency } from './idempotency.js';
import { createIssuing } from './issuing.js';
import { createInvitationLimits } from './limits.js';
import type { Outbox } from './outbox.js';
import { createResending } from './resending.js';
import { createResponding } from './responding.js';
import { invitationById } from './store.js';
import type { MailboxProofs } from './tokens.js';
import { createWithdrawing } from './withdrawing.js';

export type { SendError, SendInput, SignedInActor } from './issuing.js';
export type { Outbox } from './outbox.js';
export type { Check, PolicyRefusal } from './policy.js';
export type { ResendError, ResendInput } from './resending.js';
export { type AcceptError, type Accepted, type DeclineError, maskEmail, type Preview } from './responding.js';
export type { Sent } from './sent.js';
export type { Invitation } from './store.js';

export type InvitationConfig = Pick<
  Config,
  | 'INVITE_URL_TEMPLATE'
  | 'CUSTOM_MESSAGES_ENABLED'
  | 'INVITATION_EXPIRY_DAYS_DEFAULT'
  | 'INVITATION_EXPIRY_DAYS_MAX'
  | 'INVITATION_RATE_LIMIT_HOUR'
  | 'INVITATION_RATE_LIMIT_DAY'
  | 'INVITATION_RATE_LIMIT_WEEK'
  | 'RESEND_COOLDOWN_SECONDS'
  | 'RESEND_DAILY_CAP'
  | 'TOKEN_GUESS_LIMIT'
  | 'TOKEN_GUESS_WINDOW_SECONDS'
>;

export function createInvitationService(deps: {
  db: Db;
  clock: Clock;
  config: InvitationConfig;
  accounts: AccountService;
  events: EventBus;
  outbox: Outbox;
  proofs: MailboxProofs;
  follower: ChangeFollower;
  metrics?: Metrics;
}) {
  const { db, clock, config, accounts, events, outbox, proofs, metrics = noMetrics } = deps;
  const audit = createAuditLog({ clock });
  const changes = createChanges({ db, events, follower: deps.follower });
  const limits = createInvitationLimits({ db, clock, config });
  const idempotency = createIdempotency({ db, clock, changes });
  const expiry = createExpiry({ clock, changes, audit });
  const issuing = createIssuing({ db, clock, config, limits, idempotency, outbox, proofs, expiry, audit });
  const resending = createResending({ db, clock, config, limits, idempotency, outbox, proofs, expiry, audit });
  const closing = createClosing({ clock, audit });
  const withdrawing = createWithdrawing({ clock, changes, closing });
  const responding = createResponding({ db, clock, changes, limits, accounts, audit, closing, proofs });

  return {
    byId: (id: string) => invitationById(db, id),
    validate: issuing.validate,
    send: (...args: Parameters<typeof issuing.send>) => observeSend(metrics, () => issuing.send(...args)),
    sendMany: issuing.sendMany,
    resend: resending.resend,
    cancel: withdrawing.cancel,
    preview: responding.preview,
    pendingFor: responding.pendingFor,
    accept: async (...args: Parameters<typeof responding.accept>) => {
      const accepted = await responding.accept(...args);
      if (accepted.ok) metrics.invitationResponse('ACCEPTED');
      return accepted;
    },
    decline: async (...args: Parameters<typeof responding.decline>) => {
      const declined = await responding.decline(...args);
      if (declined.ok) metrics.invitationResponse('DECLINED');
      return declined;
    },
    sweepExpired: expiry.sweepExpired,
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
