// Idempotency keys: the first request with a key stores its result; the same key and input later
// replays it, other input is a conflict. Keys are per caller and operation and live 24 hours.
// Talks to the store (idempotency_keys), in the transaction of the change it guards.
import { createHash } from 'node:crypto';
import type { Db, Tx } from '../db/client.js';
import { transactionResult } from '../db/transaction.js';
import { canonicalJson } from '../lib/canonicalJson.js';
import type { Clock } from '../lib/clock.js';
import { type DomainError, fail, ok, type Result } from '../lib/errors.js';
import type { ChangeLog, Changes } from './changes.js';
import { IdempotencyConflictError } from './errors.js';
import { type Claim, claimIdempotencyKey, type Invitation, storeIdempotentResult } from './store.js';

const IDEMPOTENCY_TTL_SECONDS = 86_400;

/** Same input, same hash: key order does not matter, nor does a field left undefined. */
export const requestHash = (input: unknown) => createHash('sha256').update(canonicalJson(input)).digest('hex');

export interface Keyed {
  actor: { userId: string };
  operation: string;
  key: string;
  input: unknown;
}

export function createIdempotency({ db, clock, changes }: { db: Db; clock: Clock; changes: Changes }) {
  const scopeOf = (keyed: Pick<Keyed, 'actor' | 'operation'>) => `${keyed.actor.userId}:${keyed.operation}`;

  const claim = (tx: Tx, keyed: Keyed): Promise<Claim> =>
    claimIdempotencyKey(tx, {
      scope: scopeOf(keyed),
      key: keyed.key,
      hash: requestHash(keyed.input),
      now: clock.now(),
      ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
    });

  return {
    /**
     * Runs `work` in a publishing transaction once per key: without a key, every time; with one,
     * a repeat answers with `replay` of the invitation the first one made. `about` as for
     * changes.changing().
     */
    once<T extends { invitation: Invitation }, E extends DomainError, R extends DomainError>(
      keyed: Omit<Keyed, 'key'> & { key: string | null | undefined },
      work: (tx: Tx, log: ChangeLog) => Promise<Result<T, E>>,
      replay: (tx: Tx, invitationId: string) => Promise<Result<T, R>>,
      about?: { organizationId: string },
    ): Promise<Result<T, E | R | IdempotencyConflictError>> {
      return changes.changing<T, E | R | IdempotencyConflictError>(async (tx, log) => {
        const { key } = keyed;
        if (!key) return work(tx, log);
        const claimed = await claim(tx, { ...keyed, key });
        if (claimed.kind === 'conflict') return fail(new IdempotencyConflictError());
        if (claimed.kind === 'replay') return replay(tx, String(claimed.result.invitationId));
        const result = await work(tx, log);
        if (result.ok) {
          await storeIdempotentResult(tx, scopeOf(keyed), key, { invitationId: result.value.invitation.id });
        }
        return result;
      }, about);
    },

    /** Claims a key on its own and commits the claim, for work that keys its parts separately. */
    claimAlone(keyed: Keyed): Promise<Result<Claim, IdempotencyConflictError>> {
      return transactionResult(db, async (tx) => {
        const claimed = await claim(tx, keyed);
        return claimed.kind === 'conflict' ? fail(new IdempotencyConflictError()) : ok(claimed);
      });
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
