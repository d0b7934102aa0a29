// The log an operator reads: a whole journey (sign up, send, a retried delivery over real SMTP,
// accept through the emailed link, a password reset, an unexpected error) logged as JSON at debug
// level gives one request line per request with its id, method, path, operation, status and
// duration; the caller's x-request-id comes back on the response and names the worker's lines for
// the attempt that request queued; the error line carries its stack; and no secret the journey
// handled appears anywhere in the log.
import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { createLogger } from '../src/lib/logger.js';
import { graphql } from './generated/index.js';
import { startTestApp, workerPass } from './helpers/app.js';
import { isolatedDatabase } from './helpers/db.js';
import { eventually } from './helpers/eventually.js';
import { SendInvitation } from './helpers/invitations.js';
import { newAccount } from './helpers/seed.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp.js';

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const productionKey = await exportPKCS8(privateKey);

const Accept = graphql(`
  mutation RequestLogsAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload { invitation { status } auth { token } }
    }
  }
`);

const LogIn = graphql(`
  mutation RequestLogsLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token }
    }
  }
`);

const RequestReset = graphql(`
  mutation RequestLogsRequestReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) { __typename }
  }
`);

interface Line {
  level: string;
  time: string;
  msg: string;
  [field: string]: unknown;
}

/** A raw message's body with quoted-printable soft breaks and `=3D` undone. */
const unfolded = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');

describe('the log of a journey', () => {
  const written: string[] = [];
  let sink: SmtpSink;
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  let t: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    isolated = await isolatedDatabase();
    t = await startTestApp(
      {
        NODE_ENV: 'production',
        JWT_PRIVATE_KEY: productionKey,
        PUBLIC_URL: 'https://invitations.example.com',
        INVITE_URL_TEMPLATE: 'https://invitations.example.com/invite/{token}',
        SMTP_URL: sink.url,
        WORKER_ENABLED: 'true',
        DELIVERY_POLL_MS: '50',
        DELIVERY_BACKOFF_BASE_MS: '50',
        LOG_LEVEL: 'debug',
      },
      {
        database: isolated.database,
        logger: createLogger('debug', { format: 'json', write: (line) => written.push(line) }),
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await isolated?.drop();
    await sink?.close();
  });

  it('has one line per request, the request id carried to the delivery, stacks on errors, and no secret', async () => {
    const owner = await newAccount(t, 'request-logs');

    // The send, under the caller's request id; its first delivery is refused once, then retried.
    sink.failNext(1);
    const sendId = `journey-${randomUUID()}`;
    const email = `invitee-${randomUUID().slice(0, 8)}@example.test`;
    const sendResponse = await t.post(
      {
        query: print(SendInvitation),
        variables: { input: { organizationId: owner.organizationId, role: 'MEMBER', email } },
      },
      { token: owner.token, headers: { 'x-request-id': sendId } },
    );
    expect(sendResponse.headers.get('x-request-id')).toBe(sendId);
    const sent = (await sendResponse.json()) as {
      data: { sendInvitation: { __typename: string; inviteUrl: string; invitation: { id: string } } };
    };
    expect(sent.data.sendInvitation.__typename).toBe('SendInvitationPayload');
    const invitationId = decodeGlobalID(sent.data.sendInvitation.invitation.id).id;
    const [mail] = await sink.waitFor(1);
    const link = /https:\/\/invitations\.example\.com\/invite\/[\w.-]+#proof=[\w-]{43}/.exec(
      unfolded(mail?.raw ?? ''),
    )?.[0];
    if (!link) expect.fail('the invitation email carries no link');
    const token = decodeURIComponent(link.split('#')[0]?.split('/').pop() ?? '');
    const proof = link.split('#proof=')[1] ?? '';

    // Accepted through the emailed link, under a request id of no safe shape: the server makes one.
    const inviteePassword = `invitee-${randomUUID()}`;
    const unsafeId = `bad id\n${'x'.repeat(200)}`.replace('\n', ' ');
    const acceptResponse = await t.post(
      {
        query: print(Accept),
        variables: { input: { token, proof, name: 'Logged Invitee', password: inviteePassword } },
      },
      { headers: { 'x-request-id': unsafeId } },
    );
    const generatedId = acceptResponse.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);
    const accepted = (await acceptResponse.json()) as {
      data: { acceptInvitation: { __typename: string; auth: { token: string } } };
    };
    expect(accepted.data.acceptInvitation.__typename).toBe('AcceptInvitationPayload');

    // An unexpected failure, masked for the client and logged with its stack for the operator.
    const failure = new Error('the accounts store fell over');
    const spied = vi.spyOn(t.app.services.accounts, 'logIn').mockRejectedValueOnce(failure);
    const wrongPassword = `wrong-${randomUUID()}`;
    try {
      const crashed = await t.gql(LogIn, { input: { email: owner.email, password: wrongPassword } });
      expect(crashed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      spied.mockRestore();
    }
    const loggedIn = await t.gql(LogIn, { input: { email: owner.email, password: owner.password } });
    if (loggedIn.data?.logIn?.__typename !== 'AuthPayload') expect.fail(`log-in failed: ${JSON.stringify(loggedIn)}`);

    // A password reset, its link mailed by the worker.
    await t.gql(RequestReset, { input: { email: owner.email } });
    const resetMail = await eventually(
      async () => sink.accountMails.find((m) => m.to.includes(owner.email) && /Reset your password/.test(m.raw)),
      (found) => found !== undefined,
      workerPass(t),
    );
    const resetLink = /https:\/\/invitations\.example\.com\/reset-password#token=[\w.%-]+/.exec(
      unfolded(resetMail?.raw ?? ''),
    )?.[0];
    if (!resetLink) expect.fail('the reset email carries no link');
    const resetToken = decodeURIComponent(resetLink.split('#token=')[1] ?? '');
    // The worker's lines for the attempt are written once it has recorded the send.
    await eventually(
      async () => written.some((line) => line.includes('invitation email sent')),
      (found) => found,
      workerPass(t),
    );

    const log = written.join('');
    const lines = written.map((line) => JSON.parse(line) as Line);
    expect(lines.every((line) => typeof line.time === 'string' && typeof line.msg === 'string')).toBe(true);

    // One request line per request, each with every field.
    const requests = lines.filter((line) => line.msg === 'request' && line.path === '/graphql');
    const ids = requests.map((line) => line.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    // Sign-up, send, accept, the crashed and the good log-in, the reset request.
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const line of requests) {
      expect(line).toMatchObject({
        level: 'info',
        method: 'POST',
        path: '/graphql',
        status: expect.any(Number),
        durationMs: expect.any(Number),
        requestId: expect.any(String),
        operation: expect.any(String),
      });
    }
    expect(requests.filter((line) => line.requestId === sendId)).toEqual([
      expect.objectContaining({ operation: 'HelperSendInvitation', status: 200 }),
    ]);
    expect(requests.filter((line) => line.requestId === generatedId)).toEqual([
      expect.objectContaining({ operation: 'RequestLogsAccept', status: 200 }),
    ]);
    expect(log).not.toContain('bad id');

    // The worker's lines for that invitation's attempt name the send's request: the retry and the send.
    const attemptLines = lines.filter((line) => line.invitation === invitationId);
    expect(attemptLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['delivery will be retried', 'invitation email sent']),
    );
    for (const line of attemptLines) expect(line).toMatchObject({ requestId: sendId, attempt: expect.any(String) });

    // The error line carries the error with its stack.
    const errorLine = lines.find((line) => line.level === 'error' && line.msg === 'unexpected error');
    expect(errorLine?.err).toMatchObject({
      type: 'Error',
      message: 'the accounts store fell over',
      stack: expect.stringMatching(/^Error: the accounts store fell over\n\s+at /),
    });

    const secrets = {
      token,
      verifier: token.split('.')[1],
      inviteUrl: sent.data.sendInvitation.inviteUrl,
      emailedLink: link,
      proof,
      ownerPassword: owner.password,
      wrongPassword,
      inviteePassword,
      ownerJwt: owner.token,
      loginJwt: loggedIn.data.logIn.token,
      inviteeJwt: accepted.data.acceptInvitation.auth.token,
      resetLink,
      resetToken,
      resetVerifier: resetToken.split('.')[1],
    };
    expect(Object.entries(secrets).filter(([, secret]) => !secret || log.includes(secret))).toEqual([]);
    expect(log).not.toMatch(/eyJ[\w-]+\./);
    expect(log).not.toMatch(/\/invite\/(?!\[redacted\])/);
    expect(log).not.toMatch(/#(proof|token)=(?!\[redacted\])/);
  });
});
