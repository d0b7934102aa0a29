// Builds unique test data through the public API, so tests never collide even when run together.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { MemberRole } from '../../src/db/schema/index.js';
import { memberships } from '../../src/db/schema/index.js';
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
