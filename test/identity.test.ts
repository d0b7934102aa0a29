// Who may claim an address: a link the inviter has seen proves nothing about the mailbox, and an
// account's address counts as verified only once a secret mailed to it comes back. The attacks
// first (the inviter joining as its invitee, a squatter signing up with someone's address), then
// the real person's one step from the email, then password reset and email verification.
import { createServer } from 'node:net';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountEmails, accountTokens, invitations, memberships, users } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { randomIp, startTestApp, type TestApp, useTestApp, workerPass } from './helpers/app.js';
import { isolatedDatabase } from './helpers/db.js';
import { eventually } from './helpers/eventually.js';
import { invite, tokenOf } from './helpers/invitations.js';
import { useMailingApp } from './helpers/mailing.js';
import { accountLinkOf, linkToken, newAccount, newVerifiedAccount, uniqueEmail } from './helpers/seed.js';
import { mailsTo, plain, type SmtpSink, startSmtpSink } from './helpers/smtp.js';

const Accept = graphql(`
  mutation IdentityAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AcceptInvitationPayload {
        invitation { status }
        membership { user { email emailVerified } }
        auth { token user { emailVerified } }
      }
      ... on UserError { code message }
    }
  }
`);

const Who = graphql(`
  query IdentityWho {
    viewer {
      user { email emailVerified }
      pendingInvitations { invitationId }
      memberships { organization { id } }
    }
  }
`);

const LogIn = graphql(`
  mutation IdentityLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token }
      ... on UserError { code }
    }
  }
`);

const SignUp = graphql(`
  mutation IdentitySignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on SignUpPayload { token user { id emailVerified } }
      ... on UserError { code }
    }
  }
`);

const RequestReset = graphql(`
  mutation IdentityRequestReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) {
      __typename
      ... on RequestPasswordResetPayload { email }
      ... on TooManyAttemptsError { code retryAfter }
      ... on UserError { code }
    }
  }
`);

const Reset = graphql(`
  mutation IdentityReset($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      __typename
      ... on ResetPasswordPayload { auth { token user { email emailVerified } } }
      ... on UserError { code message }
    }
  }
`);

const Verify = graphql(`
  mutation IdentityVerify($input: VerifyEmailInput!) {
    verifyEmail(input: $input) {
      __typename
      ... on VerifyEmailPayload { user { email emailVerified } }
      ... on UserError { code message }
    }
  }
`);

const SendVerification = graphql(`
  mutation IdentitySendVerification {
    sendEmailVerification {
      __typename
      ... on SendEmailVerificationPayload { queued }
      ... on UserError { code }
    }
  }
`);

const PASSWORD = 'a-long-enough-password';

/** Everything about an address the attacks below must leave alone. */
async function addressFootprint(t: TestApp, email: string, invitationId: string) {
  const { db } = t.app.database;
  const accounts = await db
    .select({ id: users.id, verified: users.emailVerified, hash: users.passwordHash, gen: users.sessionGeneration })
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  const [row] = await db
    .select({ status: invitations.status })
    .from(invitations)
    .where(eq(invitations.id, decodeGlobalID(invitationId).id));
  const [joined] = await db
    .select({ n: count() })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return { accounts, status: row?.status, memberships: joined?.n };
}

describe('a link the inviter has seen proves nothing about the mailbox', () => {
  const t = useTestApp();

  it('refuses the inviter who accepts its own invitation without the email’s proof, and changes nothing', async () => {
    const owner = await newAccount(t);
    const sent = await invite(t, owner, { role: 'ADMIN' });
    const before = await addressFootprint(t, sent.email, sent.invitation.id);
    expect(before).toEqual({ accounts: [], status: 'PENDING', memberships: 0 });
    const other = await invite(t, owner);

    for (const proof of [undefined, '', 'not-the-proof', other.proof, sent.proof.slice(0, -2)]) {
      const result = await t.gql(Accept, { input: { token: sent.token, proof, name: 'Me', password: PASSWORD } });
      expect(result.data?.acceptInvitation).toMatchObject({
        __typename: 'MailboxProofRequiredError',
        code: 'MAILBOX_PROOF_REQUIRED',
      });
    }
    // Signed in as the inviter does not help either: another address.
    const asInviter = await t.gql(Accept, { input: { token: sent.token } }, { token: owner.token });
    expect(asInviter.data?.acceptInvitation).toMatchObject({ code: 'MAILBOX_PROOF_REQUIRED' });
    expect(await addressFootprint(t, sent.email, sent.invitation.id)).toEqual(before);
  });

  it('refuses a squatter who signed up with the invited address: no invitations to see, none to accept', async () => {
    const owner = await newAccount(t);
    const victim = uniqueEmail('victim');
    const sent = await invite(t, owner, { email: victim, message: 'Private note' });
    const squat = await t.gql(SignUp, {
      input: { email: victim, password: PASSWORD, name: 'Squatter', organizationName: 'Squat Inc' },
    });
    if (squat.data?.signUp?.__typename !== 'SignUpPayload') expect.fail(JSON.stringify(squat));
    expect(squat.data.signUp.user.emailVerified).toBe(false);
    const squatter = squat.data.signUp.token;
    const before = await addressFootprint(t, victim, sent.invitation.id);

    const seen = await t.gql(Who, undefined, { token: squatter });
    expect(seen.data?.viewer).toMatchObject({ user: { emailVerified: false }, pendingInvitations: [] });
    expect(JSON.stringify(seen)).not.toContain('Private note');
    const accepted = await t.gql(Accept, { input: { token: sent.token } }, { token: squatter });
    expect(accepted.data?.acceptInvitation).toMatchObject({ code: 'MAILBOX_PROOF_REQUIRED' });
    expect(await addressFootprint(t, victim, sent.invitation.id)).toEqual(before);
  });

  it('hands a squatted address to the person who proves the mailbox: their password, the squatter’s sessions ended', async () => {
    const owner = await newAccount(t);
    const victim = uniqueEmail('victim');
    const sent = await invite(t, owner, { email: victim });
    const squat = await t.gql(SignUp, {
      input: { email: victim, password: 'the-squatters-password', name: 'Squatter', organizationName: 'Squat Inc' },
    });
    if (squat.data?.signUp?.__typename !== 'SignUpPayload') expect.fail(JSON.stringify(squat));
    const squatter = squat.data.signUp.token;

    const result = await t.gql(Accept, {
      input: { token: sent.token, proof: sent.proof, name: 'Real Person', password: PASSWORD },
    });
    const payload = result.data?.acceptInvitation;
    expect(payload).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      invitation: { status: 'ACCEPTED' },
      membership: { user: { email: victim, emailVerified: true } },
      auth: { user: { emailVerified: true } },
    });
    const fresh = payload?.__typename === 'AcceptInvitationPayload' ? payload.auth?.token : undefined;
    if (!fresh) expect.fail('no session for the prover');

    // The squatter's session and password are gone; the prover's work.
    expect((await t.gql(Who, undefined, { token: squatter })).data?.viewer ?? null).toBeNull();
    const squatterLogIn = await t.gql(LogIn, { input: { email: victim, password: 'the-squatters-password' } });
    expect(squatterLogIn.data?.logIn).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await t.gql(LogIn, { input: { email: victim, password: PASSWORD } })).data?.logIn?.__typename).toBe(
      'AuthPayload',
    );
    const me = await t.gql(Who, undefined, { token: fresh });
    expect(me.data?.viewer?.memberships.map((m) => m.organization.id)).toContain(owner.organizationId);
    const rows = await t.app.database.db.select().from(users).where(sql`lower(${users.email}) = ${victim}`);
    expect(rows).toHaveLength(1);
  });

  it('lets a signed-in viewer with an unverified email accept with the proof, which verifies the email', async () => {
    const owner = await newAccount(t);
    const invitee = await newAccount(t, 'invitee');
    const sent = await invite(t, owner, { email: invitee.email });
    expect((await t.gql(Who, undefined, { token: invitee.token })).data?.viewer?.pendingInvitations).toEqual([]);

    const result = await t.gql(Accept, { input: { token: sent.token, proof: sent.proof } }, { token: invitee.token });
    expect(result.data?.acceptInvitation).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      membership: { user: { email: invitee.email, emailVerified: true } },
      auth: null,
    });
  });

  it('lets a verified viewer accept without the proof, and shows it its pending invitations', async () => {
    const owner = await newAccount(t);
    const invitee = await newVerifiedAccount(t, 'invitee');
    const sent = await invite(t, owner, { email: invitee.email });
    const seen = await t.gql(Who, undefined, { token: invitee.token });
    expect(seen.data?.viewer?.pendingInvitations).toEqual([{ invitationId: sent.invitation.id }]);

    const result = await t.gql(Accept, { input: { token: sent.token } }, { token: invitee.token });
    expect(result.data?.acceptInvitation).toMatchObject({ __typename: 'AcceptInvitationPayload' });
  });
});

describe('the invited person joins in one step from the email', () => {
  const { sink, t } = useMailingApp((url) => ({ SMTP_URL: url, WORKER_ENABLED: 'true' }));

  it('accepts with the link exactly as the email carries it, and gets a verified account', async () => {
    const owner = await newAccount(t);
    const sent = await invite(t, owner);
    const [mail] = await eventually(
      async () => mailsTo(sink, sent.email),
      (mails) => mails.length > 0,
      sink.changed,
    );
    const link = /https?:\/\/\S+#proof=[A-Za-z0-9_-]+/.exec(plain(mail?.raw))?.[0];
    if (!link) expect.fail('no link with a proof in the email');
    expect(link.startsWith(sent.inviteUrl)).toBe(true);
    // The inviter's link lacks the proof; the email's carries it.
    expect(sent.inviteUrl).not.toContain('proof');
    const proof = new URL(link).hash.replace('#proof=', '');

    const result = await t.gql(Accept, {
      input: { token: tokenOf(link), proof, name: 'Emailed Person', password: PASSWORD },
    });
    expect(result.data?.acceptInvitation).toMatchObject({
      __typename: 'AcceptInvitationPayload',
      membership: { user: { email: sent.email, emailVerified: true } },
    });
  });
});

describe('password reset', () => {
  const t = useTestApp({
    ACCOUNT_EMAILS_PER_ADDRESS_HOUR: '3',
    ACCOUNT_EMAILS_PER_CLIENT_HOUR: '6',
    PASSWORD_RESET_TTL_SECONDS: '600',
  });

  const emailsTo = async (email: string) =>
    t.app.database.db.select().from(accountEmails).where(eq(accountEmails.recipient, email));

  it('answers alike whether or not the address has an account, and mails only an account', async () => {
    const account = await newAccount(t, 'forgetful');
    const nobody = uniqueEmail('nobody');
    const known = await t.gql(RequestReset, { input: { email: account.email.toUpperCase() } });
    const unknown = await t.gql(RequestReset, { input: { email: nobody } });
    expect(known.data?.requestPasswordReset).toEqual({
      __typename: 'RequestPasswordResetPayload',
      email: account.email,
    });
    expect(unknown.data?.requestPasswordReset).toEqual({ __typename: 'RequestPasswordResetPayload', email: nobody });
    expect(known.status).toBe(unknown.status);
    expect((await emailsTo(account.email)).map((e) => e.purpose).sort()).toEqual([
      'EMAIL_VERIFICATION',
      'PASSWORD_RESET',
    ]);
    expect(await emailsTo(nobody)).toEqual([]);
  });

  it('sets the password from the link once: the address verified, every earlier session ended', async () => {
    const account = await newAccount(t, 'resetter');
    const second = await t.gql(LogIn, { input: { email: account.email, password: account.password } });
    const otherSession = second.data?.logIn?.__typename === 'AuthPayload' ? second.data.logIn.token : '';
    await t.gql(RequestReset, { input: { email: account.email } });
    const link = await accountLinkOf(t, account.raw.userId, 'PASSWORD_RESET');
    expect(link).toMatch(/\/reset-password#token=/);
    const token = linkToken(link);

    // The database holds a hash of the secret and the sealed link, never the link's secret itself.
    const [stored] = await t.app.database.db
      .select()
      .from(accountTokens)
      .where(eq(accountTokens.userId, account.raw.userId));
    const [, secret = ''] = token.split('.');
    const everything = JSON.stringify([
      await t.app.database.db.select().from(accountTokens),
      await t.app.database.db.select().from(accountEmails),
    ]);
    expect(stored?.verifierHash).toMatch(/^[0-9a-f]{64}$/);
    expect(everything).not.toContain(secret);

    const reset = await t.gql(Reset, { input: { token, password: PASSWORD } });
    const payload = reset.data?.resetPassword;
    expect(payload).toMatchObject({
      __typename: 'ResetPasswordPayload',
      auth: { user: { email: account.email, emailVerified: true } },
    });
    const fresh = payload?.__typename === 'ResetPasswordPayload' ? payload.auth.token : '';
    expect((await t.gql(Who, undefined, { token: fresh })).data?.viewer?.user.emailVerified).toBe(true);
    for (const ended of [account.token, otherSession]) {
      const answer = await t.gql(Who, undefined, { token: ended });
      expect(answer.data?.viewer ?? null).toBeNull();
    }
    expect(
      (await t.gql(LogIn, { input: { email: account.email, password: account.password } })).data?.logIn,
    ).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect((await t.gql(LogIn, { input: { email: account.email, password: PASSWORD } })).data?.logIn?.__typename).toBe(
      'AuthPayload',
    );

    const again = await t.gql(Reset, { input: { token, password: 'yet-another-password' } });
    expect(again.data?.resetPassword).toMatchObject({ code: 'INVALID_ACCOUNT_LINK' });
  });

  it('refuses an expired, forged or wrong-purpose link alike and changes nothing', async () => {
    const account = await newAccount(t, 'expiring');
    await t.gql(RequestReset, { input: { email: account.email } });
    const token = linkToken(await accountLinkOf(t, account.raw.userId, 'PASSWORD_RESET'));
    const verification = linkToken(await accountLinkOf(t, account.raw.userId, 'EMAIL_VERIFICATION'));
    const [before] = await t.app.database.db.select().from(users).where(eq(users.id, account.raw.userId));

    const [selector = ''] = token.split('.');
    const forged = [`${selector}.${'A'.repeat(43)}`, 'garbage', '', verification, `${token}x`];
    const answers = [];
    for (const attempt of forged)
      answers.push((await t.gql(Reset, { input: { token: attempt, password: PASSWORD } })).data);
    t.clock.advance(601);
    answers.push((await t.gql(Reset, { input: { token, password: PASSWORD } })).data);
    for (const answer of answers) {
      expect(answer?.resetPassword).toEqual({
        __typename: 'InvalidAccountLinkError',
        code: 'INVALID_ACCOUNT_LINK',
        message: 'This link is not valid: it is unknown, expired or already used; ask for a new one',
      });
    }
    const [after] = await t.app.database.db.select().from(users).where(eq(users.id, account.raw.userId));
    expect(after).toEqual(before);
    expect((await t.gql(Who, undefined, { token: account.token })).data?.viewer?.user.email).toBe(account.email);
  });

  it('limits requests per address and per client, with or without an account behind the address', async () => {
    const nobody = uniqueEmail('nobody');
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push((await t.gql(RequestReset, { input: { email: nobody } })).data?.requestPasswordReset?.__typename);
    }
    expect(answers).toEqual([
      'RequestPasswordResetPayload',
      'RequestPasswordResetPayload',
      'RequestPasswordResetPayload',
      'TooManyAttemptsError',
    ]);

    const ip = randomIp();
    const spread = [];
    for (let i = 0; i < 7; i++) {
      spread.push(
        (await t.gql(RequestReset, { input: { email: uniqueEmail('spray') } }, { ip })).data?.requestPasswordReset
          ?.__typename,
      );
    }
    expect(spread.filter((s) => s === 'TooManyAttemptsError')).toHaveLength(1);
    expect(spread.at(-1)).toBe('TooManyAttemptsError');
  });
});

describe('email verification', () => {
  const t = useTestApp();

  it('queues a link at sign-up; the address is verified only when its own session uses it', async () => {
    const owner = await newAccount(t);
    const account = await newAccount(t, 'newcomer');
    const sent = await invite(t, owner, { email: account.email });
    const before = await t.gql(Who, undefined, { token: account.token });
    expect(before.data?.viewer).toMatchObject({ user: { emailVerified: false }, pendingInvitations: [] });
    const token = linkToken(await accountLinkOf(t, account.raw.userId, 'EMAIL_VERIFICATION'));

    // Someone else's session, or none, gains nothing from the link.
    const stranger = await newAccount(t, 'stranger');
    const other = await t.gql(Verify, { input: { token } }, { token: stranger.token });
    expect(other.data?.verifyEmail).toMatchObject({ code: 'INVALID_ACCOUNT_LINK' });
    const anonymous = await t.gql(Verify, { input: { token } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const who of [account, stranger]) {
      const [row] = await t.app.database.db.select().from(users).where(eq(users.id, who.raw.userId));
      expect(row?.emailVerified).toBe(false);
    }

    const verified = await t.gql(Verify, { input: { token } }, { token: account.token });
    expect(verified.data?.verifyEmail).toEqual({
      __typename: 'VerifyEmailPayload',
      user: { email: account.email, emailVerified: true },
    });
    const after = await t.gql(Who, undefined, { token: account.token });
    expect(after.data?.viewer?.pendingInvitations).toEqual([{ invitationId: sent.invitation.id }]);
    const twice = await t.gql(Verify, { input: { token } }, { token: account.token });
    expect(twice.data?.verifyEmail).toMatchObject({ code: 'INVALID_ACCOUNT_LINK' });
  });

  it('mails a new link on request, and nothing once the address is verified', async () => {
    const account = await newAccount(t, 'again');
    const again = await t.gql(SendVerification, undefined, { token: account.token });
    expect(again.data?.sendEmailVerification).toEqual({ __typename: 'SendEmailVerificationPayload', queued: true });
    const [queued] = await t.app.database.db
      .select({ n: count() })
      .from(accountEmails)
      .where(and(eq(accountEmails.userId, account.raw.userId), eq(accountEmails.purpose, 'EMAIL_VERIFICATION')));
    expect(queued?.n).toBe(2);
    const token = linkToken(await accountLinkOf(t, account.raw.userId, 'EMAIL_VERIFICATION'));
    await t.gql(Verify, { input: { token } }, { token: account.token });
    const done = await t.gql(SendVerification, undefined, { token: account.token });
    expect(done.data?.sendEmailVerification).toEqual({ __typename: 'SendEmailVerificationPayload', queued: false });
  });
});

/** A local port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('account emails survive a mail server that is down', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  let sink: SmtpSink | undefined;
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    isolated = await isolatedDatabase();
    app = await startTestApp(
      { SMTP_URL: `smtp://127.0.0.1:${port}`, WORKER_ENABLED: 'true', DELIVERY_BACKOFF_BASE_MS: '1000' },
      { database: isolated.database },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await isolated?.drop();
    await sink?.close();
  });

  it('keeps the reset email queued while SMTP refuses connections, and sends it once the server is back', async () => {
    const account = await newAccount(app, 'patient');
    await app.gql(RequestReset, { input: { email: account.email } });
    const stateOf = async () =>
      (
        await app.app.database.db
          .select({ state: accountEmails.state, tries: accountEmails.tries })
          .from(accountEmails)
          .where(and(eq(accountEmails.userId, account.raw.userId), eq(accountEmails.purpose, 'PASSWORD_RESET')))
      )[0];
    await eventually(stateOf, (row) => row?.state === 'RETRY' && row.tries >= 1, workerPass(app));

    sink = await startSmtpSink(port);
    const up = sink;
    app.clock.advance(600);
    const [mail] = await eventually(
      async () => up.accountMails.filter((m) => m.to.includes(account.email) && /Reset your password/.test(m.raw)),
      (mails) => mails.length > 0,
      workerPass(app),
    );
    expect(await stateOf()).toMatchObject({ state: 'SENT' });
    const link = /https?:\/\/\S+\/reset-password#token=\S+/.exec(plain(mail?.raw))?.[0];
    if (!link) expect.fail('no reset link in the email');
    const reset = await app.gql(Reset, { input: { token: linkToken(link), password: PASSWORD } });
    expect(reset.data?.resetPassword?.__typename).toBe('ResetPasswordPayload');
  });
});
