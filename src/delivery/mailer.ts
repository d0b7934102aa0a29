// Sends composed emails: through SMTP (pooled, with timeouts) when SMTP_URL is set, else into
// `.eml` files under DATA_DIR/outbox with a log line, for the embedded default (and, in
// development, the link on the console: the log line never carries it).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';

export interface Mail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Set by us so provider events can be matched back to the invitation. */
  messageId: string;
  /** The link the mail carries, for the file mailer's console line in development; not a header. */
  link?: string;
}

const envelope = ({ link: _link, ...mail }: Mail) => mail;

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): Promise<void>;
}

/**
 * Pooled: up to 5 conversations at once, each connection reused for up to 100 messages (nodemailer's
 * defaults); pool options in the URL's query win, e.g. `smtp://host:25/?maxConnections=10`.
 */
export function createSmtpMailer(url: string, timeoutMs: number): Mailer {
  // The URL goes inside the options: createTransport's second argument is only defaults for each
  // message, which left an unpooled transport (a new connection, greeting and all, per email) on
  // nodemailer's own timeouts of up to ten minutes.
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail) {
      await transport.sendMail(envelope(mail));
    },
    async close() {
      transport.close();
    },
  };
}

/** `showLink`, when given, receives each email's recipient and link (a developer's console); never a log. */
export function createFileMailer(
  dir: string,
  logger: Logger,
  showLink?: (mail: { to: string; subject: string; link: string }) => void,
): Mailer {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = (await composer.sendMail(envelope(mail))) as { message: Buffer };
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${Date.now()}-${mail.messageId.replace(/[^A-Za-z0-9.@-]/g, '_')}.eml`);
      writeFileSync(file, info.message);
      logger.info('email written', { to: mail.to, file });
      // The embedded default has no mail server: the console is how a developer gets the link.
      if (showLink && mail.link) showLink({ to: mail.to, subject: mail.subject, link: mail.link });
    },
    async close() {},
  };
}

/**
 * The mailer the configuration asks for: SMTP with SMTP_URL, else files (production refuses to
 * start with files unless ALLOW_FILE_MAILER=true). Only in development is each link also shown on
 * stdout, beside the demo account: anywhere else it stays in the `.eml` file.
 */
export function createMailer(
  config: Pick<Config, 'SMTP_URL' | 'SMTP_TIMEOUT_MS' | 'DATA_DIR' | 'NODE_ENV'>,
  logger: Logger,
): Mailer {
  if (config.SMTP_URL) return createSmtpMailer(config.SMTP_URL, config.SMTP_TIMEOUT_MS);
  const showLink =
    config.NODE_ENV === 'development'
      ? ({ to, subject, link }: { to: string; subject: string; link: string }) =>
          console.log(`Email to ${to} (${subject}): ${link}`)
      : undefined;
  return createFileMailer(path.join(config.DATA_DIR, 'outbox'), logger, showLink);
}
