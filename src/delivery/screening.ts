// Validating a claimed batch before anything is sent: a cancel or a newer resend retires its
// attempt silently, a suppressed address, a blocked domain or one without a mail exchanger
// rejects it, and the rest are announced SENDING. Talks to the delivery store, the invitations
// store (the batch's addresses), DNS (MX lookups, when enabled) and the transitions.
import { resolveMx } from 'node:dns/promises';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Changes } from '../invitations/changes.js';
import { effectiveStatus } from '../invitations/status.js';
import { emailsOf, type Invitation } from '../invitations/store.js';
import type { Clock } from '../lib/clock.js';
import type { Finishing } from './finishing.js';
import { type Attempt, type Checked, lockForChecks } from './store.js';
import { recordDeliveryStatuses } from './transitions.js';

export type ScreeningConfig = Pick<Config, 'MX_LOOKUP_ENABLED' | 'MX_LOOKUP_TIMEOUT_MS'>;

/** An attempt that passed the checks, with the names its email shows. */
export interface Ready {
  attempt: Attempt;
  organizationName: string;
  inviterName: string | null;
}

/** Still worth sending: pending, and this is the newest attempt. */
export const isCurrent = (invitation: Invitation | undefined, attempt: Attempt, now: Date): invitation is Invitation =>
  invitation !== undefined && effectiveStatus(invitation, now) === 'PENDING' && invitation.attempts === attempt.attempt;

async function hasMailExchanger(domain: string, timeoutMs: number): Promise<boolean> {
  const lookup = resolveMx(domain).then(
    (records) => records.length > 0,
    (error: NodeJS.ErrnoException) => !(error.code === 'ENOTFOUND' || error.code === 'ENODATA'),
  );
  // A slow or failing resolver must not reject good addresses: on timeout, let the mail go.
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref());
  return Promise.race([lookup, timeout]);
}

/** Why this address must not be mailed, if it must not. */
function rejection(checked: Checked, mailless: Set<string>) {
  const domain = checked.invitation.email.split('@')[1] ?? '';
  if (checked.suppressedAfter) return `address suppressed after ${checked.suppressedAfter}`;
  if (checked.blockedDomains.some((d) => domain === d || domain.endsWith(`.${d}`))) {
    return `domain ${domain} is blocked`;
  }
  if (mailless.has(domain)) return `domain ${domain} accepts no mail`;
  return null;
}

export function createScreening(deps: {
  db: Db;
  clock: Clock;
  config: ScreeningConfig;
  changes: Changes;
  finishing: Finishing;
}) {
  const { db, clock, config, changes, finishing } = deps;

  /** The batch's domains that have no mail exchanger, looked up before any row is locked. */
  async function maillessDomains(batch: Attempt[]): Promise<Set<string>> {
    if (!config.MX_LOOKUP_ENABLED) return new Set();
    const found = await emailsOf(
      db,
      batch.map((a) => a.invitationId),
    );
    const domains = [...new Set(found.map((f) => f.email.split('@')[1] ?? ''))];
    const accepting = await Promise.all(domains.map((d) => hasMailExchanger(d, config.MX_LOOKUP_TIMEOUT_MS)));
    return new Set(domains.filter((_, i) => !accepting[i]));
  }

  /** Validates a claimed batch in one transaction; gives what may be sent. */
  async function validate(batch: Attempt[]): Promise<Ready[]> {
    if (batch.length === 0) return [];
    const mailless = await maillessDomains(batch);
    const ready: Ready[] = [];
    await changes.committed(async (tx, log) => {
      const locked = await lockForChecks(tx, [...new Set(batch.map((a) => a.invitationId))]);
      const checked = new Map(locked.map((c) => [c.invitation.id, c]));
      const superseded: Attempt[] = [];
      const sending: Invitation[] = [];
      const rejected: Promise<void>[] = [];
      for (const attempt of batch) {
        const found = checked.get(attempt.invitationId);
        const invitation = found?.invitation;
        if (!found || !isCurrent(invitation, attempt, clock.now())) {
          superseded.push(attempt);
          continue;
        }
        const reason = rejection(found, mailless);
        if (reason) {
          rejected.push(finishing.endWith(tx, log, { attempt, invitation }, 'REJECTED', reason, { reason }));
          continue;
        }
        sending.push(invitation);
        ready.push({ attempt, organizationName: found.organizationName, inviterName: found.inviterName });
      }
      await Promise.all([
        ...rejected,
        finishing.finishAll(tx, superseded, 'SUPERSEDED'),
        recordDeliveryStatuses(tx, log, sending, 'SENDING', clock.now()),
      ]);
    });
    return ready;
  }

  return { validate };
}
