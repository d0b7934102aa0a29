// Secrets stay out of logs: a whole production journey logged at debug level carries no link,
// token, password, JWT or authorization value; the logger scrubs their shapes at every level; and
// production refuses to start with the file mailer or a localhost accept link unless told to.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exportPKCS8, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/passwords.js';
import { parseConfig } from '../src/config.js';
import { createMailboxProofs, inviteUrl } from '../src/invitations/tokens.js';
import { createLogger, type LogLevel } from '../src/lib/logger.js';
import { newSecretToken } from '../src/lib/secretTokens.js';
import { graphql } from './generated/index.js';
import { startTestApp, workerPass } from './helpers/app.js';
import { isolatedDatabase } from './helpers/db.js';
import { eventually } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { newAccount } from './helpers/seed.js';

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const productionKey = await exportPKCS8(privateKey);

const Delivery = graphql(`
  query LogsDelivery($id: ID!) {
    invitation(id: $id) { deliveryStatus }
  }
`);

const Preview = graphql(`
  query LogsPreview($token: String!) {
    invitationByToken(token: $token) { __typename }
  }
`);

const Accept = graphql(`
  mutation LogsAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload { invitation { status } auth { token } }
    }
  }
`);

const LogIn = graphql(`
  mutation LogsLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token }
    }
  }
`);

const Viewer = graphql(`
  query LogsViewer {
    viewer { user { email } }
  }
`);

/** The emailed link (with its mailbox proof) from the `.eml` the file mailer wrote, quoted-printable undone. */
function emailedLink(outbox: string, token: string): string {
  for (const file of readdirSync(outbox)) {
    const raw = readFileSync(path.join(outbox, file), 'utf8')
      .replace(/=\r?\n/g, '')
      .replace(/=3D/gi, '=');
    const link = new RegExp(`https://invitations\\.example\\.com/invite/${token}#proof=[\\w-]{43}`).exec(raw)?.[0];
    if (link) return link;
  }
  throw new Error(`no email in ${outbox} carries the link of ${token}`);
}

/** The password reset link in an `.eml` the file mailer wrote, if one is there yet. */
function emailedResetLink(outbox: string): string | undefined {
  for (const file of existsSync(outbox) ? readdirSync(outbox) : []) {
    const raw = readFileSync(path.join(outbox, file), 'utf8')
      .replace(/=\r?\n/g, '')
      .replace(/=3D/gi, '=');
    const link = /https:\/\/invitations\.example\.com\/reset-password#token=[\w.%-]+/.exec(raw)?.[0];
    if (link) return link;
  }
  return undefined;
}

const RequestReset = graphql(`
  mutation LogsRequestReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) { __typename }
  }
`);

const Reset = graphql(`
  mutation LogsReset($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      __typename
      ... on ResetPasswordPayload { auth { token } }
    }
  }
`);

describe('a production journey logged at debug level', () => {
  const lines: string[] = [];
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;

  beforeAll(async () => {
    isolated = await isolatedDatabase();
    t = await startTestApp(
      {
        NODE_ENV: 'production',
        JWT_PRIVATE_KEY: productionKey,
        PUBLIC_URL: 'https://invitations.example.com',
        INVITE_URL_TEMPLATE: 'https://invitations.example.com/invite/{token}',
        ALLOW_LOCAL_INVITE_URL: 'false',
        // Said explicitly: this deployment means to keep its emails as files.
        ALLOW_FILE_MAILER: 'true',
        WORKER_ENABLED: 'true',
        DELIVERY_POLL_MS: '50',
        LOG_LEVEL: 'debug',
      },
      { database: isolated.database, logger: createLogger('debug', { write: (line) => lines.push(line) }) },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await isolated?.drop();
  });

  it('logs no accept link, token, proof, password, JWT or authorization value', async () => {
    const owner = await newAccount(t, 'logs-owner');
    const sent = await invite(t, owner);
    const delivered = await eventually(
      () => t.gql(Delivery, { id: sent.invitation.id }, { token: owner.token }),
      (result) => result.data?.invitation?.deliveryStatus === 'SENT',
      workerPass(t),
    );
    expect(delivered.data?.invitation?.deliveryStatus).toBe('SENT');
    const link = emailedLink(path.join(t.app.config.DATA_DIR, 'outbox'), sent.token);

    const preview = await t.gql(Preview, { token: sent.token });
    expect(preview.data?.invitationByToken?.__typename).toBe('InvitationPreview');
    const inviteePassword = `invitee-${randomUUID()}`;
    const accepted = await t.gql(Accept, {
      input: { token: sent.token, proof: link.split('#proof=')[1], name: 'Logged Invitee', password: inviteePassword },
    });
    const payload = accepted.data?.acceptInvitation;
    if (payload?.__typename !== 'AcceptInvitationPayload' || !payload.auth) {
      expect.fail(`accept failed: ${JSON.stringify(accepted)}`);
    }
    expect(payload.invitation.status).toBe('ACCEPTED');

    const wrongPassword = `wrong-${randomUUID()}`;
    const refused = await t.gql(LogIn, { input: { email: owner.email, password: wrongPassword } });
    expect(refused.data?.logIn?.__typename).toBe('InvalidCredentialsError');
    const loggedIn = await t.gql(LogIn, { input: { email: owner.email, password: owner.password } });
    if (loggedIn.data?.logIn?.__typename !== 'AuthPayload') expect.fail(`log-in failed: ${JSON.stringify(loggedIn)}`);
    // A password reset, through its emailed link.
    await t.gql(RequestReset, { input: { email: owner.email } });
    const outbox = path.join(t.app.config.DATA_DIR, 'outbox');
    const resetLink = await eventually(
      async () => emailedResetLink(outbox),
      (found) => found !== undefined,
      workerPass(t),
    );
    if (!resetLink) expect.fail('no reset email');
    const resetToken = decodeURIComponent(resetLink.split('#token=')[1] ?? '');
    const newPassword = `reset-${randomUUID()}`;
    const reset = await t.gql(Reset, { input: { token: resetToken, password: newPassword } });
    if (reset.data?.resetPassword?.__typename !== 'ResetPasswordPayload') {
      expect.fail(`reset failed: ${JSON.stringify(reset)}`);
    }
    // A forged token and a garbage one on the authorization header.
    const forged = `${owner.token.slice(0, -8)}AAAAAAAA`;
    for (const bearer of [forged, 'not-a-token-at-all']) {
      const rejected = await t.gql(Viewer, undefined, { token: bearer });
      expect(rejected.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }

    const logged = lines.join('');
    // The journey did log: the file mailer's line for the email is there (it used to carry the link).
    expect(logged).toContain('email written');
    expect(logged).toContain(sent.email);
    const secrets = {
      token: sent.token,
      verifier: sent.token.split('.')[1],
      inviteUrl: sent.inviteUrl,
      emailedLink: link,
      proof: link.split('#proof=')[1],
      ownerPassword: owner.password,
      wrongPassword,
      inviteePassword,
      ownerJwt: owner.token,
      loginJwt: loggedIn.data.logIn.token,
      inviteeJwt: payload.auth.token,
      forgedJwt: forged,
      resetLink,
      resetToken,
      resetVerifier: resetToken.split('.')[1],
      newPassword,
      resetJwt: reset.data.resetPassword.auth.token,
    };
    expect(Object.entries(secrets).filter(([, secret]) => !secret || logged.includes(secret))).toEqual([]);
    expect(logged).not.toMatch(/eyJ[\w-]+\./);
    expect(logged).not.toMatch(/bearer\s+(?!\[redacted\])/i);
    expect(logged).not.toMatch(/\/invite\/(?!\[redacted\])/);
    expect(logged).not.toMatch(/#proof=(?!\[redacted\])/);
  });
});

describe('the logger', () => {
  it('scrubs links, tokens, proofs, JWTs, bearer values, password hashes and URL passwords from every line at every level', async () => {
    const token = newSecretToken().token;
    const link = inviteUrl('https://invitations.example.com/invite/{token}', token);
    const emailed = createMailboxProofs(productionKey).mailboxLink(link, token);
    const proof = emailed.split('#proof=')[1] ?? '';
    const jwt = await new SignJWT({ sub: 'someone' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    const passwordHash = await hashPassword('a-password-of-length');
    const smtpPassword = 'smtp-password-1234';
    const text = [
      `sent ${emailed}`,
      `queued ${link}`,
      `bare ${token}`,
      `header authorization: Bearer ${jwt}`,
      `jwt ${jwt}`,
      `Failed query: insert into users values ($1) params: ${passwordHash}`,
      `connect smtp://mailer:${smtpPassword}@mail.example:587 failed`,
    ].join('; ');
    const secrets = {
      token,
      emailed,
      link,
      proof,
      jwt,
      passwordHash,
      smtpPassword,
      verifier: token.split('.')[1] ?? token,
    };

    for (const level of ['debug', 'info', 'warn', 'error'] as const satisfies LogLevel[]) {
      const lines: string[] = [];
      const logger = createLogger('debug', { write: (line) => lines.push(line) });
      logger[level](text, {
        attempt: 'attempt-42',
        to: 'invitee@example.test',
        detail: text,
        nested: { list: [text, { inviteUrl: 'opaque value', password: 'hunter2-hunter2' }] },
        error: new Error(text),
        password: 'hunter2-hunter2',
        authorization: 'Basic dXNlcjpwYXNz',
        cookie: 'session=abc',
        accessToken: 'opaque-token-value',
        webhookSecret: 'opaque-secret-value',
        link: 'opaque-link-value',
      });
      const [line] = lines;
      expect(lines).toHaveLength(1);
      expect(line).toMatch(new RegExp(`^\\S+ ${level.toUpperCase()} `));
      expect(
        Object.entries({
          ...secrets,
          password: 'hunter2-hunter2',
          basic: 'dXNlcjpwYXNz',
          cookie: 'session=abc',
          accessToken: 'opaque-token-value',
          secret: 'opaque-secret-value',
          linkValue: 'opaque-link-value',
          inviteUrlValue: 'opaque value',
        }).filter(([, secret]) => line?.includes(secret)),
      ).toEqual([]);
      // What is not secret stays readable.
      expect(line).toContain('"attempt":"attempt-42"');
      expect(line).toContain('invitee@example.test');
      expect(line).toContain('https://invitations.example.com/invite/[redacted]');
      expect(line).toContain('smtp://mailer:[redacted]@mail.example:587');
      expect(line).toContain('"password":"[redacted]"');
    }
  });

  it('writes an error with its stack, scrubbed: in JSON as err.stack, in text on the lines below', () => {
    const token = newSecretToken().token;
    const failure = new Error(`no invitation for ${token}`);
    const json: string[] = [];
    createLogger('info', { format: 'json', write: (line) => json.push(line) }).error('send failed', { err: failure });
    const [entry] = json.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entry).toMatchObject({
      level: 'error',
      msg: 'send failed',
      err: { type: 'Error', message: 'no invitation for [redacted]', stack: expect.stringMatching(/\n\s+at /) },
    });
    const text: string[] = [];
    createLogger('info', { write: (line) => text.push(line) }).error('send failed', { err: failure });
    expect(text[0]).toMatch(
      /^\S+ ERROR send failed \{"err":\{"type":"Error".*\}\n {4}Error: no invitation for \[redacted\]\n {8}at /,
    );
    expect(json.join('') + text.join('')).not.toContain(token);
  });

  it("writes a child logger's fields on each of its lines", () => {
    const lines: string[] = [];
    const logger = createLogger('info', { format: 'json', write: (line) => lines.push(line) });
    logger.child({ requestId: 'req-1' }).info('one', { n: 1 });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ requestId: 'req-1', n: 1, msg: 'one', level: 'info' });
  });

  it('writes nothing below its level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', { write: (line) => lines.push(line) });
    logger.debug('quiet');
    logger.info('quiet');
    logger.warn('loud');
    logger.error('loud');
    expect(lines.map((line) => line.split(' ').slice(1).join(' '))).toEqual(['WARN loud\n', 'ERROR loud\n']);
  });
});

describe('production start-up refuses to leak links by default', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_PRIVATE_KEY: productionKey,
    SMTP_URL: 'smtp://mail.example:587',
    INVITE_URL_TEMPLATE: 'https://invitations.example.com/invite/{token}',
    DATABASE_URL: 'postgres://db.example/invitations',
  };

  it('refuses the embedded database unless ALLOW_EMBEDDED_DATABASE=true', () => {
    const { DATABASE_URL: _url, ...embedded } = production;
    expect(() => parseConfig(embedded)).toThrow(
      /^Invalid configuration:\n {2}DATABASE_URL: .*ALLOW_EMBEDDED_DATABASE=true/,
    );
    expect(parseConfig({ ...embedded, ALLOW_EMBEDDED_DATABASE: 'true' }).DATABASE_URL).toBeUndefined();
  });

  it('refuses the file mailer (no SMTP_URL) unless ALLOW_FILE_MAILER=true', () => {
    const { SMTP_URL: _smtp, ...fileMailer } = production;
    expect(() => parseConfig(fileMailer)).toThrow(/^Invalid configuration:\n {2}SMTP_URL: .*ALLOW_FILE_MAILER=true/);
    expect(() => parseConfig({ ...fileMailer, ALLOW_FILE_MAILER: 'false' })).toThrow(/SMTP_URL/);
    expect(parseConfig({ ...fileMailer, ALLOW_FILE_MAILER: 'true' }).SMTP_URL).toBeUndefined();
    expect(parseConfig(production).ALLOW_FILE_MAILER).toBe(false);
  });

  it('refuses an accept link on localhost, the default included, unless ALLOW_LOCAL_INVITE_URL=true', () => {
    const { INVITE_URL_TEMPLATE: _template, ...defaulted } = production;
    expect(() => parseConfig(defaulted)).toThrow(
      /^Invalid configuration:\n {2}INVITE_URL_TEMPLATE: http:\/\/localhost:4000\/invite\/\{token\} points at localhost.*ALLOW_LOCAL_INVITE_URL=true/,
    );
    for (const template of [
      'http://127.0.0.1:4000/invite/{token}',
      'http://[::1]:4000/invite/{token}',
      'http://console.localhost/invite/{token}',
      'http://LOCALHOST/join?t={token}',
      'http://0.0.0.0:4000/invite/{token}',
    ]) {
      expect(() => parseConfig({ ...production, INVITE_URL_TEMPLATE: template }), template).toThrow(
        /INVITE_URL_TEMPLATE/,
      );
      expect(
        parseConfig({ ...production, INVITE_URL_TEMPLATE: template, ALLOW_LOCAL_INVITE_URL: 'true' }),
      ).toMatchObject({ INVITE_URL_TEMPLATE: template });
    }
    for (const template of [
      'https://invitations.example.com/invite/{token}',
      'https://localhost.example.com/{token}',
    ]) {
      expect(parseConfig({ ...production, INVITE_URL_TEMPLATE: template }).INVITE_URL_TEMPLATE).toBe(template);
    }
  });

  it('names every production problem at once', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_PRIVATE_KEY: required[^\n]*\n {2}SMTP_URL: required[^\n]*\n {2}INVITE_URL_TEMPLATE: [^\n]*\n {2}DATABASE_URL: required/,
    );
  });

  it('asks nothing of development or tests, which keep the file mailer and localhost links', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = parseConfig({ NODE_ENV });
      expect(config.SMTP_URL).toBeUndefined();
      expect(config.INVITE_URL_TEMPLATE).toBe('http://localhost:4000/invite/{token}');
    }
    expect(parseConfig({}).production).toBe(false);
  });
});
