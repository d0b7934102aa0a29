// A real SMTP peer in process (smtp-server), recording what it receives and able to refuse,
// fail for a while, or hold a message until released. Account emails (a password reset, an email
// verification) are kept apart in `accountMails`, outside the faults and the counts, so a test of
// invitation delivery sees only invitations however its sign-ups' emails interleave.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  at: number;
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  accountMails: ReceivedMail[];
  /** Refuse the next `n` messages with a temporary error (451). */
  failNext(n: number): void;
  /** Refuse every message with a permanent error (550) while true. */
  refuseAll(on: boolean): void;
  /** Hold messages at the end of DATA until `release()`; resolves once `count` are held at once. */
  hold(count?: number): Promise<void>;
  /** Hold only the messages to `email` at the end of DATA (that conversation hangs) until `release()`; resolves once one is held. */
  holdFor(email: string): Promise<void>;
  /** Answer the next `times` messages to `email` (account emails too) with `code` and `text` (e.g. 550 or 451). */
  replyTo(email: string, code: number, text: string, times?: number): void;
  release(): void;
  /** Resolves at the next message accepted. */
  changed(): Promise<void>;
  /** Resolves once `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

const ACCOUNT_SUBJECT = /^Subject: (Reset your password|Confirm your email address)\r?$/m;

/** Listens on `port` when given (a test may start the peer where a server already expects it), else on a free one. */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const accountMails: ReceivedMail[] = [];
  let failures = 0;
  let refusing = false;
  let holding = false;
  let held: (() => void)[] = [];
  let onHeld: (() => void) | undefined;
  const heldFor = new Map<string, () => void>();
  const replies = new Map<string, { code: number; text: string; times: number }>();
  let onReceived: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // The client is always this machine: naming it needs no resolver round trip per connection.
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (ACCOUNT_SUBJECT.test(raw)) {
          // Only a reply asked for this very recipient reaches an account email.
          const reply = to.map((r) => replies.get(r)).find((r) => r !== undefined && r.times > 0);
          if (reply) {
            reply.times -= 1;
            return callback(Object.assign(new Error(reply.text), { responseCode: reply.code }));
          }
          accountMails.push({ to, raw, at: Date.now() });
          callback();
          return;
        }
        const finish = () => {
          const reply = to.map((r) => replies.get(r)).find((r) => r !== undefined);
          if (reply && reply.times > 0) {
            reply.times -= 1;
            return callback(Object.assign(new Error(reply.text), { responseCode: reply.code }));
          }
          if (refusing) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
          if (failures > 0) {
            failures -= 1;
            return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          }
          received.push({ to, raw, at: Date.now() });
          callback();
          for (const wake of onReceived) wake();
        };
        const heldRecipient = to.find((r) => heldFor.has(r));
        if (holding || heldRecipient) {
          held.push(finish);
          onHeld?.();
          if (heldRecipient) heldFor.get(heldRecipient)?.();
        } else {
          finish();
        }
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    accountMails,
    failNext: (n) => {
      failures = n;
    },
    refuseAll: (on) => {
      refusing = on;
    },
    hold: (count = 1) => {
      holding = true;
      return new Promise<void>((resolve) => {
        onHeld = () => {
          if (held.length >= count) resolve();
        };
      });
    },
    holdFor: (email) =>
      new Promise<void>((resolve) => {
        heldFor.set(email, resolve);
      }),
    replyTo: (email, code, text, times = Number.POSITIVE_INFINITY) => {
      replies.set(email, { code, text, times });
    },
    release: () => {
      holding = false;
      heldFor.clear();
      for (const finish of held) finish();
      held = [];
    },
    changed: () =>
      new Promise<void>((resolve) => {
        const once = () => {
          onReceived = onReceived.filter((wake) => wake !== once);
          resolve();
        };
        onReceived.push(once);
      }),
    // Woken by each arrival rather than polling, so a benchmark's clock stops when the last one lands.
    waitFor(count, timeoutMs = 15_000) {
      return new Promise<ReceivedMail[]>((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          done();
          resolve(received);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`expected ${count} mails, got ${received.length}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          onReceived = onReceived.filter((wake) => wake !== check);
        };
        onReceived.push(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const mailsTo = (sink: SmtpSink, email: string) => sink.received.filter((m) => m.to.includes(email));

/** A received message with quoted-printable soft line breaks and `=` escapes undone. */
export const plain = (raw: string | undefined) => (raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
