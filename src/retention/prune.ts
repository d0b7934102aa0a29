// The retention sweep: deletes the rows of the tables that grow with use once they are past use,
// in batches of RETENTION_BATCH_SIZE (each its own statement, so no sweep holds many locks or
// one long transaction), repeated until a batch comes up short. Horizons, from the config:
// - rate-limit counters: windows that started longer ago than the longest window (a week, for the
//   invitation limits; longer when a configured window is) have ended;
// - log-in delays: quiet for LOGIN_FAILURE_WINDOW_SECONDS, they are forgotten anyway;
// - known log-in addresses: unused for LOGIN_KNOWN_ADDRESS_DAYS, they no longer count;
// - provider webhook receipts: after WEBHOOK_RECEIPT_RETENTION_DAYS (a replay of an event that
//   old would be refused for its stale timestamp long before);
// - idempotency keys: once expired;
// - account tokens: a day after they were used or expired (the day keeps "already used" answers);
// - account emails: ACCOUNT_EMAIL_RETENTION_DAYS after they ended (their link is wiped already);
// - outbound webhook messages, with their deliveries and attempts: WEBHOOK_DELIVERY_RETENTION_DAYS
//   after they were created, once no delivery of theirs is still due (a redelivery needs the row).
// Any instance may run it; two at once only share the work. Talks to the retention store.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { type Horizons, pruneBatch, TABLES, type Table } from './store.js';

export type RetentionConfig = Pick<
  Config,
  | 'RETENTION_BATCH_SIZE'
  | 'WEBHOOK_RECEIPT_RETENTION_DAYS'
  | 'ACCOUNT_EMAIL_RETENTION_DAYS'
  | 'WEBHOOK_DELIVERY_RETENTION_DAYS'
  | 'LOGIN_FAILURE_WINDOW_SECONDS'
  | 'LOGIN_KNOWN_ADDRESS_DAYS'
  | 'TOKEN_GUESS_WINDOW_SECONDS'
>;

const DAY_MS = 86_400_000;
/** The longest fixed window a built-in limit counts in: the invitations' week. */
const LONGEST_BUILT_IN_WINDOW_SECONDS = 7 * 86_400;
const ACCOUNT_TOKEN_GRACE_MS = DAY_MS;

export type Pruned = Record<Table, number>;

export function horizonsAt(now: Date, config: RetentionConfig): Horizons {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const longestWindow = Math.max(
    LONGEST_BUILT_IN_WINDOW_SECONDS,
    config.LOGIN_FAILURE_WINDOW_SECONDS,
    config.TOKEN_GUESS_WINDOW_SECONDS,
  );
  return {
    counterWindowsBefore: ago(longestWindow * 1000),
    backoffsBefore: ago(config.LOGIN_FAILURE_WINDOW_SECONDS * 1000),
    loginAddressesBefore: ago(config.LOGIN_KNOWN_ADDRESS_DAYS * DAY_MS),
    webhookReceiptsBefore: ago(config.WEBHOOK_RECEIPT_RETENTION_DAYS * DAY_MS),
    idempotencyKeysBefore: now,
    accountTokensBefore: ago(ACCOUNT_TOKEN_GRACE_MS),
    accountEmailsBefore: ago(config.ACCOUNT_EMAIL_RETENTION_DAYS * DAY_MS),
    webhookMessagesBefore: ago(config.WEBHOOK_DELIVERY_RETENTION_DAYS * DAY_MS),
  };
}

export interface Retention {
  /** One sweep over every table; resolves with how many rows it deleted from each. */
  runOnce(): Promise<Pruned>;
}

export function createRetention({ db, clock, config }: { db: Db; clock: Clock; config: RetentionConfig }): Retention {
  return {
    async runOnce() {
      const horizons = horizonsAt(clock.now(), config);
      const pruned = Object.fromEntries(TABLES.map((t) => [t, 0])) as Pruned;
      for (const table of TABLES) {
        for (;;) {
          const n = await pruneBatch(db, table, horizons, config.RETENTION_BATCH_SIZE);
          pruned[table] += n;
          if (n < config.RETENTION_BATCH_SIZE) break;
        }
      }
      return pruned;
    },
  };
}
