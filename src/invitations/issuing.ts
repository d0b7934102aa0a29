// Issuing invitations: the dry run (validate), one send, and the bulk send row by row. A send is
// one transaction with its outbox row, timeline event and audit row. Talks to the store, the send
// policy, the rate limits, the idempotency keys, the outbox port, expiry and the audit log.
import { randomUUID } from 'node:crypto';
import type { Actor, AuditLog } from '../audit/log.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import type { MemberRole } from '../db/schema/index.js';
import { together } from '../db/together.js';
import type { Clock } from '../lib/clock.js';
import { fail, InvalidInputError, ok, type Result } from '../lib/errors.js';
import { newSecretToken } from '../lib/secretTokens.js';
import type { ChangeLog } from './changes.js';
import type { IdempotencyConflictError, RateLimitedError } from './errors.js';
import type { Expiry } from './expiry.js';
import type { Idempotency } from './idempotency.js';
import { invitationFieldsSchema } from './inputs.js';
import type { InvitationLimits } from './limits.js';
import type { Outbox } from './outbox.js';
import {
  type Check,
  check,
  expiryDays,
  firstRefusal,
  type PolicyConfig,
  type PolicyRefusal,
  policyChecks,
} from './policy.js';
import { pendingConflict, replayed, type Sent } from './sent.js';
import { appendEvent, insertInvitation, type NewInvitation, sendFacts } from './store.js';
import { inviteUrl, type MailboxProofs } from './tokens.js';

export type SignedInActor = Actor & { userId: string };

export interface SendInput {
  organizationId: string;
  email: string;
  phone?: string | null;
  role: MemberRole;
  message?: string | null;
  permissions?: string[] | null;
  metadata?: Record<string, unknown> | null;
  expiresInDays?: number | null;
}

/** Every refusal of a send. */
export type SendError = PolicyRefusal | RateLimitedError | IdempotencyConflictError;

export type IssuingConfig = PolicyConfig & Pick<Config, 'INVITE_URL_TEMPLATE'>;

const DAY_MS = 86_400_000;
const FIELDS = ['email', 'phone', 'message', 'permissions', 'metadata', 'expiresInDays'] as const;

/** What issuing and resending both need, besides their configuration. */
export interface SendingDeps {
  db: Db;
  clock: Clock;
  limits: InvitationLimits;
  idempotency: Idempotency;
  outbox: Outbox;
  proofs: MailboxProofs;
  expiry: Expiry;
  audit: AuditLog;
}

export function createIssuing(deps: SendingDeps & { config: IssuingConfig }) {
  const { db, clock, config, limits, idempotency, outbox, proofs, expiry, audit } = deps;

  /**
   * The send itself, its policy passed and the chain held: the row, its outbox entry, timeline
   * event and audit row, in one round trip (the id is made here, so nothing waits for the row).
   */
  async function issue(tx: Tx, log: ChangeLog, input: SendInput, actor: SignedInActor): Promise<Sent> {
    const now = clock.now();
    const token = newSecretToken();
    const values = {
      id: randomUUID(),
      organizationId: input.organizationId,
      email: input.email,
      phone: input.phone ?? null,
      role: input.role,
      message: input.message ?? null,
      permissions: input.permissions ?? [],
      metadata: input.metadata ?? null,
      status: 'PENDING',
      deliveryStatus: 'VALIDATING',
      attempts: 1,
      tokenSelector: token.selector,
      tokenVerifierHash: token.verifierHash,
      lastSentAt: now,
      expiresAt: new Date(now.getTime() + expiryDays(input.expiresInDays, config) * DAY_MS),
      invitedById: actor.userId,
      createdAt: now,
      updatedAt: now,
    } satisfies NewInvitation;
    const link = inviteUrl(config.INVITE_URL_TEMPLATE, token.token);
    // Only the email carries the mailbox proof.
    const [invitation] = await together([
      insertInvitation(tx, values),
      outbox.queue(tx, values, proofs.mailboxLink(link, token.token), actor.requestId),
      appendEvent(tx, log, values, {
        type: 'CREATED',
        at: clock.now(),
        actorId: actor.userId,
        data: { role: values.role },
      }),
      audit.record(tx, actor, {
        organizationId: values.organizationId,
        action: 'invitation.created',
        targetType: 'Invitation',
        targetId: values.id,
        data: {
          after: {
            email: values.email,
            role: values.role,
            permissions: values.permissions,
            expiresAt: values.expiresAt.toISOString(),
          },
        },
      }),
    ]);
    return { invitation, inviteUrl: link, replayed: false };
  }

  async function send(
    input: SendInput,
    actor: SignedInActor,
    idempotencyKey?: string | null,
    operation = 'sendInvitation',
  ): Promise<Result<Sent, SendError>> {
    return idempotency
      .once(
        { actor, operation, key: idempotencyKey, input },
        async (tx, log): Promise<Result<Sent, PolicyRefusal | RateLimitedError>> => {
          // One round trip, with the chain taken for the audit row (a refusal rolls the count back
          // and lets the chain go). The rate-limit rows, then the chain: the order of every change.
          const [facts, limited] = await together([
            sendFacts(tx, { ...input, userId: actor.userId }, clock.now()),
            limits.countSend(tx, input.organizationId, actor.userId),
            audit.lockChain(tx, input.organizationId),
          ]);
          const refusal = firstRefusal(policyChecks(facts, input, config));
          if (refusal) return fail(refusal);
          if (limited) return fail(limited);
          // A lapsed invitation to the address still holds the one-pending slot until recorded expired.
          if (facts?.lapsed) await expiry.expireRows(tx, log, input);
          return ok(await issue(tx, log, input, actor));
        },
        replayed,
        { organizationId: input.organizationId },
      )
      .catch((error: unknown) => pendingConflict(db, clock.now(), error, input));
  }

  /** The field checks of the dry run, one per field, from the shapes the edge checks for a send. */
  function fieldChecks(input: Omit<SendInput, 'organizationId'>) {
    const parsed = invitationFieldsSchema.safeParse(input);
    const checks = FIELDS.map((field) => {
      const issue = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === field);
      return check(
        `${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_VALID`,
        issue ? new InvalidInputError([{ path: ['input', field], message: issue.message }]) : null,
        `${field} is well formed`,
      );
    });
    return { checks, parsed };
  }

  /** A bulk row's shape problems, with their paths in the whole input. */
  const rowIssues = (index: number, issues: { path: PropertyKey[]; message: string }[]) =>
    new InvalidInputError(
      issues.map((issue) => ({
        path: ['input', 'invitations', index, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: issue.message,
      })),
    );

  return {
    /** The dry run: every check with its outcome; writes nothing. */
    async validate(input: SendInput, actor: SignedInActor): Promise<Check[]> {
      const { checks, parsed } = fieldChecks(input);
      if (!parsed.success) return checks;
      const normalized = { ...input, ...parsed.data };
      const facts = await sendFacts(db, { ...normalized, userId: actor.userId }, clock.now());
      const limited = await limits.sendBlocked(input.organizationId, actor.userId);
      return [...checks, ...policyChecks(facts, normalized, config), check('RATE_LIMIT', limited, 'Within the limits')];
    },

    send,

    /** Bulk send: each row on its own, so valid rows succeed whatever the others do. */
    async sendMany(
      input: { organizationId: string; invitations: Omit<SendInput, 'organizationId'>[] },
      actor: SignedInActor,
      idempotencyKey?: string | null,
    ): Promise<Result<Result<Sent, SendError>[], IdempotencyConflictError>> {
      if (idempotencyKey) {
        const claim = await idempotency.claimAlone({ actor, operation: 'sendInvitations', key: idempotencyKey, input });
        if (!claim.ok) return claim;
      }
      const results: Result<Sent, SendError>[] = [];
      for (const [index, row] of input.invitations.entries()) {
        const parsed = invitationFieldsSchema.safeParse(row);
        if (!parsed.success) {
          results.push(fail(rowIssues(index, parsed.error.issues)));
          continue;
        }
        // Each row replays on its own key, so a retried batch never sends a row twice.
        const rowKey = idempotencyKey ? `${idempotencyKey}#${index}` : null;
        results.push(
          await send(
            { ...row, ...parsed.data, organizationId: input.organizationId },
            actor,
            rowKey,
            'sendInvitations:row',
          ),
        );
      }
      return ok(results);
    },
  };
}
