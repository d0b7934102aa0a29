// A worker that stops gives back what it claimed but has not begun to send, at once: another
// worker takes those attempts while the stopping one still finishes the send it began, and no
// email goes out twice.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deliveryAttempts } from '../src/db/schema/index.js';
import { createSmtpMailer } from '../src/delivery/mailer.js';
import { createSealer } from '../src/delivery/sealing.js';
import { createDeliveryWorker } from '../src/delivery/worker.js';
import { createEventBus } from '../src/events/bus.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { createLogger } from '../src/lib/logger.js';
import { createWebhookRecorder } from '../src/webhooks/recorder.js';
import type { TestApp } from './helpers/app.js';
import { eventually, rightAway } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { useMailingApp } from './helpers/mailing.js';
import { newAccount } from './helpers/seed.js';
import { mailsTo } from './helpers/smtp.js';

const signingKeyOf = (t: TestApp) => readFileSync(path.join(t.app.config.DATA_DIR, 'jwt-private-key.pem'), 'utf8');

describe('a worker that stops holding claimed attempts', () => {
  const { sink, isolated, t } = useMailingApp((url) => ({ SMTP_URL: url }));

  it('releases the unstarted ones at once and finishes the send it began', async () => {
    const db = isolated.database.db;
    const events = createEventBus({});
    const mailer = createSmtpMailer(sink.url, 10_000);
    const make = (id: string) =>
      createDeliveryWorker({
        db,
        clock: t.clock,
        follower: createWebhookRecorder({ clock: t.clock }),
        // Leases far longer than the test: only a release lets another worker in.
        config: { ...t.app.config, DELIVERY_CONCURRENCY: 1, DELIVERY_LEASE_SECONDS: 3600 },
        mailer,
        sealer: createSealer(signingKeyOf(t)),
        events,
        logger: createLogger('silent'),
        id,
      });
    const owner = await newAccount(t, 'release');
    const stopping = make('stopping');
    const other = make('other');

    // The stopping worker's one slot holds a conversation that hangs...
    const hung = await invite(t, owner);
    const held = sink.holdFor(hung.email);
    stopping.start();
    await held;
    // ...and it has claimed three more it has not begun.
    const rest = [await invite(t, owner), await invite(t, owner), await invite(t, owner)];
    const restIds = rest.map((r) => decodeGlobalID(r.invitation.id).id);
    expect(await stopping.claim()).toHaveLength(3);
    expect(await other.claim()).toHaveLength(0);

    const stopped = stopping.stop();
    const released = await eventually(
      () =>
        db
          .select({ state: deliveryAttempts.state, lockedBy: deliveryAttempts.lockedBy, tries: deliveryAttempts.tries })
          .from(deliveryAttempts)
          .where(inArray(deliveryAttempts.invitationId, restIds)),
      (rows) => rows.every((row) => row.lockedBy === null),
      rightAway,
    );
    // As before the claim: queued, no try spent.
    expect(released).toEqual(restIds.map(() => ({ state: 'QUEUED', lockedBy: null, tries: 0 })));
    // The begun send is still the stopping worker's; the released ones are the other's at once.
    expect(await other.runOnce()).toBe(3);
    for (const r of rest) expect(mailsTo(sink, r.email)).toHaveLength(1);
    expect(mailsTo(sink, hung.email)).toHaveLength(0);

    sink.release();
    await stopped;
    const [hungAttempt] = await db
      .select()
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.invitationId, decodeGlobalID(hung.invitation.id).id));
    expect(hungAttempt).toMatchObject({ state: 'SENT', lockedBy: 'stopping', tries: 1 });
    for (const r of [hung, ...rest]) expect(mailsTo(sink, r.email)).toHaveLength(1);
    const others = await db.select().from(deliveryAttempts).where(inArray(deliveryAttempts.invitationId, restIds));
    expect(others.map((a) => [a.state, a.lockedBy, a.tries])).toEqual(restIds.map(() => ['SENT', 'other', 1]));
    await mailer.close();
    await events.close();
  });
});
