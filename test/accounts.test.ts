import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, users } from '../src/db/schema/index.js';
import { graphql } from './generated/index.js';
import { useTestApp } from './helpers/app.js';
import { testDatabase } from './helpers/db.js';
import { newAccount, SignUp, uniqueEmail } from './helpers/seed.js';

const t = useTestApp();

const Viewer = graphql(`
  query AccountsViewer {
    viewer {
      user { id email name emailVerified }
      memberships { role organization { id name viewerRole } }
    }
  }
`);

const LogIn = graphql(`
  mutation AccountsLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token expiresAt user { email } }
      ... on UserError { code message }
      ... on TooManyAttemptsError { retryAfter }
      ... on InputValidationError { issues { path message } }
    }
  }
`);

const CreateOrganization = graphql(`
  mutation AccountsCreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      __typename
      ... on CreateOrganizationPayload { organization { id name viewerRole members { nodes { role user { email } } } } }
      ... on UserError { code message }
    }
  }
`);

async function usersWithEmail(email: string) {
  const { db } = await testDatabase();
  const [row] = await db.select({ n: count() }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row?.n ?? 0;
}

function signUpInput(email: string, password = 'a-decent-password') {
  return { input: { email, password, name: 'Ann Example', organizationName: 'Ann & Co' } };
}

describe('sign-up', () => {
  it('creates the user and an organization the caller owns, and signs them in', async () => {
    const account = await newAccount(t, 'ann');
    const result = await t.gql(Viewer, {}, { token: account.token });
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer?.user.email).toBe(account.email);
    expect(result.data?.viewer?.user.emailVerified).toBe(false);
    expect(result.data?.viewer?.memberships).toEqual([
      { role: 'OWNER', organization: { id: account.organizationId, name: expect.any(String), viewerRole: 'OWNER' } },
    ]);
  });

  it('trims and lower-cases the email', async () => {
    const email = uniqueEmail('MixedCase').toUpperCase();
    const result = await t.gql(SignUp, signUpInput(`  ${email}  `));
    expect(result.data?.signUp).toMatchObject({ __typename: 'SignUpPayload', user: { email: email.toLowerCase() } });
  });

  it('refuses an email already in use, whatever its case, and creates nothing', async () => {
    const existing = await newAccount(t, 'dup');
    const result = await t.gql(SignUp, signUpInput(existing.email.toUpperCase()));
    expect(result.data?.signUp).toMatchObject({ __typename: 'EmailTakenError', code: 'EMAIL_TAKEN' });
    expect(await usersWithEmail(existing.email)).toBe(1);
  });

  it('lets exactly one of two concurrent sign-ups with one email win', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([
      t.gql(SignUp, signUpInput(email)),
      t.gql(SignUp, signUpInput(email.toUpperCase())),
    ]);
    const kinds = results.map((r) => r.data?.signUp?.__typename).sort();
    expect(kinds).toEqual(['EmailTakenError', 'SignUpPayload']);
    expect(await usersWithEmail(email)).toBe(1);
  });

  it.each([
    ['no at sign', 'not-an-email'],
    ['a display-name form', 'Ann <ann@example.com>'],
    ['a line break', 'ann@example.com\r\nBcc: x@example.com'],
    ['a space inside', 'ann smith@example.com'],
    ['more than 254 characters', `${'a'.repeat(250)}@example.com`],
    ['an empty string', ''],
  ])('refuses an email with %s, naming the field', async (_label, email) => {
    const result = await t.gql(SignUp, signUpInput(email));
    const payload = result.data?.signUp;
    expect(payload).toMatchObject({ __typename: 'InputValidationError', code: 'INVALID_INPUT' });
    expect(payload?.__typename === 'InputValidationError' && payload.issues[0]?.path).toEqual(['input', 'email']);
    expect(await usersWithEmail(email.trim())).toBe(0);
  });

  it.each([
    ['shorter than 10 characters', 'short-pw'],
    ['longer than 128 characters', 'x1'.repeat(65)],
    ['made of too few distinct characters', 'aaaaaaaaaaaa'],
  ])('refuses a password %s and creates nothing', async (_label, password) => {
    const email = uniqueEmail('weak');
    const result = await t.gql(SignUp, signUpInput(email, password));
    const payload = result.data?.signUp;
    expect(payload).toMatchObject({ __typename: 'InputValidationError', code: 'INVALID_INPUT' });
    expect(payload?.__typename === 'InputValidationError' && payload.issues[0]?.path).toEqual(['input', 'password']);
    expect(await usersWithEmail(email)).toBe(0);
  });

  it('stores an argon2id hash, never the password', async () => {
    const account = await newAccount(t, 'hash');
    const { db } = await testDatabase();
    const [row] = await db.select().from(users).where(eq(users.email, account.email));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.passwordHash).not.toContain(account.password);
  });

  it('writes audit rows for the new user and the new organization', async () => {
    const account = await newAccount(t, 'audit');
    const { db } = await testDatabase();
    const rows = await db.select().from(auditLog).where(eq(auditLog.actorId, account.raw.userId));
    expect(rows.map((r) => r.action).sort()).toEqual(['organization.created', 'user.signed_up']);
    expect(rows.find((r) => r.action === 'organization.created')?.organizationId).toBe(account.raw.organizationId);
    expect(rows.every((r) => r.ip?.startsWith('10.'))).toBe(true);
  });

  it('keeps the audit log append-only', async () => {
    const account = await newAccount(t, 'append');
    const { db } = await testDatabase();
    await expect(db.delete(auditLog).where(eq(auditLog.actorId, account.raw.userId))).rejects.toThrow();
    await expect(
      db.update(auditLog).set({ action: 'forged' }).where(eq(auditLog.actorId, account.raw.userId)),
    ).rejects.toThrow();
    const rows = await db.select().from(auditLog).where(eq(auditLog.actorId, account.raw.userId));
    expect(rows).toHaveLength(2);
  });
});

describe('log-in', () => {
  it('signs in with the right password, whatever the email case', async () => {
    const account = await newAccount(t, 'login');
    const result = await t.gql(LogIn, { input: { email: account.email.toUpperCase(), password: account.password } });
    const payload = result.data?.logIn;
    expect(payload?.__typename).toBe('AuthPayload');
    if (payload?.__typename !== 'AuthPayload') return;
    const viewer = await t.gql(Viewer, {}, { token: payload.token });
    expect(viewer.data?.viewer?.user.email).toBe(account.email);
  });

  it('refuses a wrong password and an unknown email with the same error', async () => {
    const account = await newAccount(t, 'wrongpw');
    const wrong = await t.gql(LogIn, { input: { email: account.email, password: 'not-the-password' } });
    const unknown = await t.gql(LogIn, { input: { email: uniqueEmail('nobody'), password: 'whatever-password' } });
    expect(wrong.data?.logIn).toEqual({
      __typename: 'InvalidCredentialsError',
      code: 'INVALID_CREDENTIALS',
      message: 'Email or password is incorrect',
    });
    expect(unknown.data?.logIn).toEqual(wrong.data?.logIn);
  });
});

describe('createOrganization', () => {
  it('creates an organization the viewer owns', async () => {
    const account = await newAccount(t, 'creator');
    const result = await t.gql(CreateOrganization, { input: { name: '  Second Org ' } }, { token: account.token });
    expect(result.data?.createOrganization).toMatchObject({
      __typename: 'CreateOrganizationPayload',
      organization: {
        name: 'Second Org',
        viewerRole: 'OWNER',
        members: { nodes: [{ role: 'OWNER', user: { email: account.email } }] },
      },
    });
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const result = await t.gql(CreateOrganization, { input: { name: 'Nope' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an empty name', async () => {
    const account = await newAccount(t, 'emptyorg');
    const result = await t.gql(CreateOrganization, { input: { name: '   ' } }, { token: account.token });
    expect(result.data?.createOrganization).toMatchObject({ __typename: 'InputValidationError' });
  });
});
