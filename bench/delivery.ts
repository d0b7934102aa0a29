// Delivery throughput: invitations queued through the service, then the outbox drained by worker
// passes into a local SMTP peer; the floor is the same SMTP mailer sending the same number of
// composed emails straight to the same peer, with as many in flight as there are worker passes.
import { performance } from 'node:perf_hooks';
import { inArray } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { deliveryAttempts } from '../src/db/schema/index.js';
import { createSmtpMailer } from '../src/delivery/mailer.js';
import { composeInvitationMail } from '../src/delivery/message.js';
import { startSmtpSink } from '../test/helpers/smtp.js';

export interface DeliveryFigures {
  emails: number;
  workers: number;
  api: { seconds: number; emailsPerSecond: number };
  floor: { seconds: number; emailsPerSecond: number };
}

/** Worker passes running side by side, as several worker processes would. */
const WORKERS = 4;

export async function benchDelivery(options: {
  database: Database;
  env: Record<string, string>;
  owner: { userId: string; organizationId: string };
  emails: number;
  log: (message: string) => void;
}): Promise<DeliveryFigures> {
  const sink = await startSmtpSink();
  const app = await buildApp(
    parseConfig({ ...options.env, SMTP_URL: sink.url, WORKER_ENABLED: 'true', DELIVERY_BATCH_SIZE: '50' }),
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

    const mailer = createSmtpMailer(sink.url, 10_000);
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
      Array.from({ length: WORKERS }, async () => {
        while (sent++ < options.emails) await mailer.send(mail);
      }),
    );
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    await mailer.close();
    return {
      emails: options.emails,
      workers: WORKERS,
      api: { seconds: apiSeconds, emailsPerSecond: options.emails / apiSeconds },
      floor: { seconds: floorSeconds, emailsPerSecond: options.emails / floorSeconds },
    };
  } finally {
    await app.stop();
    await sink.close();
  }
}
