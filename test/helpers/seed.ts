// Builds unique test data through the public API, so tests never collide even when run together.
import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { loadSigningKey } from '../../src/auth/tokens.js';
import type { AccountLinkPurpose, MemberRole } from '../../src/db/schema/index.js';
import { accountEmails, memberships } from '../../src/db/schema/index.js';
import { createSealer } from '../../src/delivery/sealing.js';
import { decodeGlobalID } from '../../src/graphql/globalId.js';
import { graphql } from '../generated/index.js';
import type { TestApp } from './app.js';

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID().slice(0, 12)}@example.test`;

export const SignUp = graphql(`
  mutation SeedSignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on SignUpPayload {
        token
        user { id email }
        organization { id name }
      }
      ... on UserError { code message }
      ... on InputValidationError { issues { path message } }
    }
  }
`);

export interface Account {
  email: string;
  password: string;
  token: string;
  userId: string;
  organizationId: string;
  /** Database ids behind the global ids above. */
  raw: { userId: string; organizationId: string };
}

export async function newAccount(t: TestApp, label = 'owner'): Promise<Account> {
  const email = uniqueEmail(label);
  const password = `pw-${randomUUID()}`;
  const result = await t.gql(SignUp, {
    input: { email, password, name: `${label} person`, organizationName: `${label} org ${randomUUID().slice(0, 6)}` },
  });
  const payload = result.data?.signUp;
  if (payload?.__typename !== 'SignUpPayload') {
    expect.fail(`sign-up failed: ${JSON.stringify(result)}`);
  }
  return {
    email,
    password,
    token: payload.token,
    userId: payload.user.id,
    organizationId: payload.organization.id,
    raw: { userId: decodeGlobalID(payload.user.id).id, organizationId: decodeGlobalID(payload.organization.id).id },
  };
}

export const VerifyEmail = graphql(`
  mutation SeedVerifyEmail($input: VerifyEmailInput!) {
    verifyEmail(input: $input) {
      __typename
      ... on VerifyEmailPayload { user { id emailVerified } }
      ... on UserError { code message }
    }
  }
`);

/**
 * The link of the newest account email queued for the account (database id), as its mailbox
 * reads it: the outbox row's sealed link, opened. Only while the email is unsent (no worker runs).
 */
export async function accountLinkOf(t: TestApp, rawUserId: string, purpose: AccountLinkPurpose): Promise<string> {
  const [row] = await t.app.database.db
    .select({ sealedLink: accountEmails.sealedLink })
    .from(accountEmails)
    .where(and(eq(accountEmails.userId, rawUserId), eq(accountEmails.purpose, purpose)))
    .orderBy(desc(accountEmails.createdAt))
    .limit(1);
  if (!row?.sealedLink) expect.fail(`no unsent ${purpose} email for ${rawUserId}`);
  return createSealer(await loadSigningKey(t.app.config)).open(row.sealedLink);
}

/** The secret in an account link's fragment (`#token=…`). */
export const linkToken = (link: string) => decodeURIComponent(new URL(link).hash.replace(/^#token=/, ''));

/** A new account whose email is verified, through the link its sign-up mailed. */
export async function newVerifiedAccount(t: TestApp, label = 'verified'): Promise<Account> {
  const account = await newAccount(t, label);
  const link = await accountLinkOf(t, account.raw.userId, 'EMAIL_VERIFICATION');
  const result = await t.gql(VerifyEmail, { input: { token: linkToken(link) } }, { token: account.token });
  if (result.data?.verifyEmail?.__typename !== 'VerifyEmailPayload') {
    expect.fail(`verification failed: ${JSON.stringify(result)}`);
  }
  return account;
}

/**
 * A new account that is also a member of `organizationId` with `role`. The membership row is
 * written directly: joining through invitations is another capability with its own tests.
 */
export async function newMember(t: TestApp, owner: Account, role: MemberRole, label = role.toLowerCase()) {
  const account = await newAccount(t, label);
  await t.app.database.db.insert(memberships).values({
    organizationId: owner.raw.organizationId,
    userId: account.raw.userId,
    role,
  });
  return account;
}
