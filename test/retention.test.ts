// The retention sweep: rows past their use go, in bounded batches; rows still in use stay. On a
// database of its own, since the sweep acts on every row; the app's clock decides what is old.
import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountEmails,
  accountTokens,
  idempotencyKeys,
  loginAddresses,
  rateLimitBackoffs,
  rateLimitCounters,
  webhookDeliveries,
  webhookEndpoints,
  webhookMessages,
  webhookReceipts,
} from '../src/db/schema/index.js';
import { startTestApp } from './helpers/app.js';
import { isolatedDatabase } from './helpers/db.js';
import { eventually } from './helpers/eventually.js';
import { newAccount } from './helpers/seed.js';

const DAY = 86_400_000;

describe('the retention sweep', () => {
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  let t: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    isolated = await isolatedDatabase();
    // The scheduled sweep is off here: the test runs it, one sweep at a time, on the app's clock.
    t = await startTestApp({ RETENTION_BATCH_SIZE: '3' }, { database: isolated.database });
  });
  afterAll(async () => {
    await t?.stop();
    await isolated?.drop();
  });

  const db = () => isolated.database.db;
  const keysOf = async () =>
    (await db().select({ key: rateLimitCounters.key }).from(rateLimitCounters)).map((r) => r.key);

  it('deletes what is past use in batches, keeps what is still in use, and follows the clock', async () => {
    const owner = await newAccount(t, 'retention');
    const now = t.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms);
    const tag = randomUUID().slice(0, 8);

    // Seven ended windows, more than two batches of three; a week's window six days old may still be current.
    await db()
      .insert(rateLimitCounters)
      .values([
        ...Array.from({ length: 7 }, (_, i) => ({ key: `old:${tag}:${i}`, windowStart: at(-8 * DAY), count: 1 })),
        { key: `week:${tag}`, windowStart: at(-6 * DAY), count: 1 },
      ]);
    // Log-in delays are forgotten after LOGIN_FAILURE_WINDOW_SECONDS (900).
    await db()
      .insert(rateLimitBackoffs)
      .values([
        { key: `quiet:${tag}`, failures: 4, lastFailureAt: at(-901_000) },
        { key: `recent:${tag}`, failures: 4, lastFailureAt: at(-60_000) },
      ]);
    // Known addresses count for LOGIN_KNOWN_ADDRESS_DAYS (30).
    await db()
      .insert(loginAddresses)
      .values([
        { email: owner.email, address: '192.0.2.1', lastLoginAt: at(-31 * DAY) },
        { email: owner.email, address: '192.0.2.2', lastLoginAt: at(-DAY) },
      ]);
    // Provider receipts are kept WEBHOOK_RECEIPT_RETENTION_DAYS (30).
    const organizationId = owner.raw.organizationId;
    await db()
      .insert(webhookReceipts)
      .values([
        { organizationId, messageId: '<m@x>', id: `old-${tag}`, receivedAt: at(-31 * DAY) },
        { organizationId, messageId: '<m@x>', id: `new-${tag}`, receivedAt: at(-DAY) },
      ]);
    await db()
      .insert(idempotencyKeys)
      .values([
        { scope: tag, key: 'expired', requestHash: 'h', expiresAt: at(-1000) },
        { scope: tag, key: 'live', requestHash: 'h', expiresAt: at(3_600_000) },
      ]);
    const userId = owner.raw.userId;
    const token = (selector: string, values: { usedAt?: Date; expiresAt: Date }) => ({
      userId,
      purpose: 'PASSWORD_RESET' as const,
      selector: `${selector}-${tag}`,
      verifierHash: 'h',
      createdAt: at(-3 * DAY),
      ...values,
    });
    await db()
      .insert(accountTokens)
      .values([
        token('used-long-ago', { usedAt: at(-2 * DAY), expiresAt: at(DAY) }),
        token('expired-long-ago', { expiresAt: at(-2 * DAY) }),
        token('used-lately', { usedAt: at(-3_600_000), expiresAt: at(DAY) }),
        token('open', { expiresAt: at(DAY) }),
      ]);
    const email = (recipient: string, values: Partial<typeof accountEmails.$inferInsert>) => ({
      userId,
      purpose: 'PASSWORD_RESET' as const,
      recipient: `${recipient}-${tag}@example.test`,
      expiresAt: at(-39 * DAY),
      availableAt: at(-40 * DAY),
      createdAt: at(-40 * DAY),
      ...values,
    });
    await db()
      .insert(accountEmails)
      .values([
        email('sent-long-ago', { state: 'SENT', finishedAt: at(-31 * DAY) }),
        email('failed-lately', { state: 'FAILED', finishedAt: at(-DAY) }),
        email('still-queued', { state: 'QUEUED' }),
      ]);

    // Outbound webhook messages: kept WEBHOOK_DELIVERY_RETENTION_DAYS (30), and while a delivery is due.
    const [endpoint] = await db()
      .insert(webhookEndpoints)
      .values({
        organizationId: owner.raw.organizationId,
        url: 'https://example.test/hook',
        sealedSecret: 'x',
        createdAt: at(0),
        updatedAt: at(0),
      })
      .returning();
    const message = async (label: string, createdAt: Date, state: 'SUCCEEDED' | 'RETRY') => {
      const [row] = await db()
        .insert(webhookMessages)
        .values({ organizationId: owner.raw.organizationId, type: 'invitation.created', data: { label }, createdAt })
        .returning();
      await db()
        .insert(webhookDeliveries)
        .values({
          messageId: row?.id ?? '',
          endpointId: endpoint?.id ?? '',
          organizationId: owner.raw.organizationId,
          state,
          availableAt: createdAt,
          createdAt,
        });
    };
    await message('old-done', at(-31 * DAY), 'SUCCEEDED');
    await message('old-due', at(-31 * DAY), 'RETRY');
    await message('recent-done', at(-DAY), 'SUCCEEDED');

    const pruned = await t.app.retention.runOnce();
    expect(pruned).toEqual({
      rate_limit_counters: 7,
      rate_limit_backoffs: 1,
      login_addresses: 1,
      webhook_receipts: 1,
      idempotency_keys: 1,
      account_tokens: 2,
      account_emails: 1,
      webhook_messages: 1,
    });
    expect((await db().select().from(webhookMessages)).map((m) => m.data.label).sort()).toEqual([
      'old-due',
      'recent-done',
    ]);
    expect(await db().select().from(webhookDeliveries)).toHaveLength(2);
    expect((await keysOf()).filter((k) => k.includes(tag))).toEqual([`week:${tag}`]);
    expect((await db().select().from(rateLimitBackoffs)).map((r) => r.key)).toEqual([`recent:${tag}`]);
    expect(
      (await db().select().from(loginAddresses)).map((r) => r.address).filter((a) => a.startsWith('192.0.2.')),
    ).toEqual(['192.0.2.2']);
    expect((await db().select().from(webhookReceipts)).map((r) => r.id)).toEqual([`new-${tag}`]);
    expect((await db().select().from(idempotencyKeys)).map((r) => r.key)).toEqual(['live']);
    const tokens = await db()
      .select({ selector: accountTokens.selector })
      .from(accountTokens)
      .where(inArray(accountTokens.userId, [userId]));
    expect(
      tokens
        .map((r) => r.selector)
        .filter((s) => s.endsWith(tag))
        .sort(),
    ).toEqual([`open-${tag}`, `used-lately-${tag}`].sort());
    const emails = (await db().select({ recipient: accountEmails.recipient }).from(accountEmails)).map(
      (r) => r.recipient,
    );
    expect(emails.filter((r) => r.includes(tag)).sort()).toEqual(
      [`failed-lately-${tag}@example.test`, `still-queued-${tag}@example.test`].sort(),
    );
    // Nothing more is past use until the clock moves on.
    expect(Object.values(await t.app.retention.runOnce()).every((n) => n === 0)).toBe(true);
    t.clock.advance(3 * 86_400);
    const later = await t.app.retention.runOnce();
    expect(later).toMatchObject({ rate_limit_counters: 1, rate_limit_backoffs: 1, idempotency_keys: 1 });
    expect((await keysOf()).filter((k) => k.includes(tag))).toEqual([]);
    const left = await db().select({ selector: accountTokens.selector }).from(accountTokens);
    expect(left.filter((r) => r.selector.endsWith(tag))).toEqual([]);
  });
});

describe('the scheduled retention sweep', () => {
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  let t: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    isolated = await isolatedDatabase();
    t = await startTestApp({ RETENTION_SWEEP_SECONDS: '1' }, { database: isolated.database });
  });
  afterAll(async () => {
    await t?.stop();
    await isolated?.drop();
  });

  it('runs on its own every RETENTION_SWEEP_SECONDS', async () => {
    const db = isolated.database.db;
    await db.insert(idempotencyKeys).values({
      scope: 'scheduled',
      key: 'expired',
      requestHash: 'h',
      expiresAt: new Date(t.clock.now().getTime() - 1000),
    });
    // Nothing reports a sweep: read again every little while until the row is gone.
    const left = await eventually(
      () => db.select().from(idempotencyKeys),
      (rows) => rows.length === 0,
      () => new Promise((resolve) => setTimeout(resolve, 100)),
    );
    expect(left).toEqual([]);
  });
});
