// Delivery throughput: invitations queued through the service, then the outbox drained by one
// worker pass (as the in-server worker runs) with DELIVERY_CONCURRENCY=32 emails in flight, into a
// local SMTP peer over a pool of 32 connections; the floor is the same SMTP mailer, same pool,
// sending the same number of composed emails straight to the same peer, 32 in flight. (Until
// 2026-12 the outbox side was 4 passes side by side, one email each, and the floor 4 in flight.)
// Then send → SENT end to end, one invitation at a time, through the running worker and the bus.
import { performance } from 'node:perf_hooks';
import { inArray } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { deliveryAttempts } from '../src/db/schema/index.js';
import { createSmtpMailer } from '../src/delivery/mailer.js';
import { composeInvitationMail } from '../src/delivery/message.js';
import { startSmtpSink } from '../test/helpers/smtp.js';
import { percentile } from './lib.js';

export interface DeliveryFigures {
  emails: number;
  /** Worker passes side by side. */
  workers: number;
  /** Emails each pass, and the floor per pass, keeps in flight. */
  concurrency: number;
  api: { seconds: number; emailsPerSecond: number };
  floor: { seconds: number; emailsPerSecond: number };
  /** One invitation at a time, the worker running: from the send call to its SENT change on the live feed. */
  endToEnd: Latencies & { samples: number };
}

/** Worker passes side by side, as several worker processes would be. */
const WORKERS = 1;
/** DELIVERY_CONCURRENCY, and SMTP connections to carry it: 32 measured a little ahead of 8 and 16 here. */
const CONCURRENCY = 32;
/** A few groups per claim: the claim and validation of the next batch overlap the last group's sends. */
const BATCH_SIZE = 128;
const END_TO_END_SAMPLES = 20;

interface Latencies {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export async function benchDelivery(options: {
  database: Database;
  env: Record<string, string>;
  owner: { userId: string; organizationId: string };
  emails: number;
  log: (message: string) => void;
}): Promise<DeliveryFigures> {
  const sink = await startSmtpSink();
  const smtpUrl = `${sink.url}/?maxConnections=${CONCURRENCY * WORKERS}`;
  const app = await buildApp(
    parseConfig({
      ...options.env,
      SMTP_URL: smtpUrl,
      WORKER_ENABLED: 'true',
      DELIVERY_BATCH_SIZE: String(BATCH_SIZE),
      DELIVERY_CONCURRENCY: String(CONCURRENCY),
    }),
    { database: options.database },
  );
  const worker = app.worker;
  if (!worker) throw new Error('the delivery app has no worker');
  try {
    // What the earlier phases queued is retired: only this phase's emails are timed.
    await options.database.db
      .update(deliveryAttempts)
      .set({ state: 'SUPERSEDED' })
      .where(inArray(deliveryAttempts.state, ['QUEUED', 'RETRY']));
    const actor = { userId: options.owner.userId, ip: null, userAgent: 'bench' };
    const tag = Math.random().toString(36).slice(2, 8);
    let next = 0;
    const queue = async () => {
      for (let i = next++; i < options.emails; i = next++) {
        const sent = await app.services.invitations.send(
          { organizationId: options.owner.organizationId, email: `mail-${tag}-${i}@bench.example.com`, role: 'MEMBER' },
          actor,
        );
        if (!sent.ok) throw new Error(`queueing failed: ${sent.error.message}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, queue));
    options.log(`queued ${options.emails} emails`);

    const started = performance.now();
    // A pass handles one batch when the worker is not started; each lane passes until nothing is due.
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while ((await worker.runOnce()) > 0);
      }),
    );
    await sink.waitFor(options.emails, 120_000);
    const apiSeconds = (performance.now() - started) / 1000;

    const mailer = createSmtpMailer(smtpUrl, 10_000);
    const mail = composeInvitationMail({
      from: 'Invitations <invitations@localhost>',
      to: 'floor@bench.example.com',
      messageId: '<floor@invitation-api>',
      organizationName: 'Bench',
      inviterName: 'Owner',
      role: 'MEMBER',
      message: null,
      link: 'http://localhost:4000/invite/x',
      trackingPixel: null,
      expiresAt: new Date(),
    });
    const floorStarted = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY * WORKERS }, async () => {
        while (sent++ < options.emails) await mailer.send(mail);
      }),
    );
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    await mailer.close();

    // Send → SENT with the worker woken by the send, as a subscriber of invitationStatusChanged sees it.
    worker.start();
    const endToEnd: number[] = [];
    for (let i = 0; i < END_TO_END_SAMPLES; i++) {
      const started = performance.now();
      const sent = await app.services.invitations.send(
        { organizationId: options.owner.organizationId, email: `e2e-${tag}-${i}@bench.example.com`, role: 'MEMBER' },
        actor,
      );
      if (!sent.ok) throw new Error(`send failed: ${sent.error.message}`);
      for await (const invitation of app.services.live.invitationStatus(
        options.owner.userId,
        sent.value.invitation.id,
      )) {
        if (invitation.deliveryStatus === 'SENT') break;
      }
      endToEnd.push(performance.now() - started);
    }
    endToEnd.sort((a, b) => a - b);
    return {
      emails: options.emails,
      workers: WORKERS,
      concurrency: CONCURRENCY,
      api: { seconds: apiSeconds, emailsPerSecond: options.emails / apiSeconds },
      floor: { seconds: floorSeconds, emailsPerSecond: options.emails / floorSeconds },
      endToEnd: {
        p50Ms: percentile(endToEnd, 50),
        p95Ms: percentile(endToEnd, 95),
        maxMs: endToEnd.at(-1) ?? Number.NaN,
        samples: endToEnd.length,
      },
    };
  } finally {
    await app.stop();
    await sink.close();
  }
}
