// Every SQL statement of the retention sweep: for each table that grows with use, one bounded
// batch of the rows past their use deleted, by ctid (no table here needs an index for it: the
// oldest rows are met first). Talks to the database only; callers pass the cut-offs.
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rows } from '../db/rows.js';
import {
  accountEmails,
  accountTokens,
  idempotencyKeys,
  loginAddresses,
  rateLimitBackoffs,
  rateLimitCounters,
  webhookDeliveries,
  webhookMessages,
  webhookReceipts,
} from '../db/schema/index.js';

/** The cut-offs: a row older than its table's is past use. */
export interface Horizons {
  /** Counter windows that started before this have ended, however long (the longest window). */
  counterWindowsBefore: Date;
  /** Progressive delays whose last failure is this old are forgotten anyway. */
  backoffsBefore: Date;
  /** Addresses last logged in from before this no longer count as known. */
  loginAddressesBefore: Date;
  /** Provider events received before this are no longer checked for replays. */
  webhookReceiptsBefore: Date;
  /** Idempotent results that expired before this. */
  idempotencyKeysBefore: Date;
  /** Account tokens used or expired before this. */
  accountTokensBefore: Date;
  /** Account emails that ended (SENT, FAILED) before this. */
  accountEmailsBefore: Date;
  /** Outbound webhook messages created before this, once none of their deliveries is still due. */
  webhookMessagesBefore: Date;
}

export type Table =
  | 'rate_limit_counters'
  | 'rate_limit_backoffs'
  | 'login_addresses'
  | 'webhook_receipts'
  | 'idempotency_keys'
  | 'account_tokens'
  | 'account_emails'
  | 'webhook_messages';

/** Which rows of each table are past use. */
const pastUse: Record<Table, (h: Horizons) => { table: SQL; where: SQL }> = {
  rate_limit_counters: (h) => ({
    table: sql`${rateLimitCounters}`,
    where: sql`${rateLimitCounters.windowStart} < ${h.counterWindowsBefore}`,
  }),
  rate_limit_backoffs: (h) => ({
    table: sql`${rateLimitBackoffs}`,
    where: sql`${rateLimitBackoffs.lastFailureAt} <= ${h.backoffsBefore}`,
  }),
  login_addresses: (h) => ({
    table: sql`${loginAddresses}`,
    where: sql`${loginAddresses.lastLoginAt} <= ${h.loginAddressesBefore}`,
  }),
  webhook_receipts: (h) => ({
    table: sql`${webhookReceipts}`,
    where: sql`${webhookReceipts.receivedAt} < ${h.webhookReceiptsBefore}`,
  }),
  idempotency_keys: (h) => ({
    table: sql`${idempotencyKeys}`,
    where: sql`${idempotencyKeys.expiresAt} < ${h.idempotencyKeysBefore}`,
  }),
  account_tokens: (h) => ({
    table: sql`${accountTokens}`,
    where: sql`(${accountTokens.usedAt} < ${h.accountTokensBefore} or ${accountTokens.expiresAt} < ${h.accountTokensBefore})`,
  }),
  account_emails: (h) => ({
    table: sql`${accountEmails}`,
    where: sql`${accountEmails.state} in ('SENT', 'FAILED') and ${accountEmails.finishedAt} < ${h.accountEmailsBefore}`,
  }),
  // Their deliveries and attempts go with them (ON DELETE CASCADE).
  webhook_messages: (h) => ({
    table: sql`${webhookMessages}`,
    where: sql`${webhookMessages.createdAt} < ${h.webhookMessagesBefore} and not exists (
      select 1 from ${webhookDeliveries} where ${webhookDeliveries.messageId} = ${webhookMessages.id}
        and ${webhookDeliveries.state} in ('QUEUED', 'SENDING', 'RETRY'))`,
  }),
};

export const TABLES = Object.keys(pastUse) as Table[];

/** Deletes up to `limit` of the table's rows past use; resolves with how many it deleted. */
export async function pruneBatch(db: Db, table: Table, horizons: Horizons, limit: number): Promise<number> {
  const { table: name, where } = pastUse[table](horizons);
  const query = sql`with gone as (
      delete from ${name} where ctid in (select ctid from ${name} where ${where} limit ${limit}) returning 1
    ) select count(*)::int as n from gone`;
  const [found] = await rows<{ n: number }>(db, query);
  return found?.n ?? 0;
}
