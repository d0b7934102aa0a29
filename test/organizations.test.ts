import { describe, expect, it } from 'vitest';
import { encodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { useTestApp } from './helpers/app.js';
import { type Account, newAccount, newMember } from './helpers/seed.js';

const t = useTestApp();

const Organization = graphql(`
  query OrgsOrganization($id: ID!) {
    organization(id: $id) { id name viewerRole members { totalCount nodes { role user { id email } } } }
  }
`);

const Node = graphql(`
  query OrgsNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Organization { name }
      ... on User { email }
      ... on Membership { role }
    }
  }
`);

const UpdateMemberRole = graphql(`
  mutation OrgsUpdateMemberRole($input: UpdateMemberRoleInput!) {
    updateMemberRole(input: $input) {
      __typename
      ... on UpdateMemberRolePayload { membership { role user { email } } }
      ... on UserError { code message }
    }
  }
`);

const RemoveMember = graphql(`
  mutation OrgsRemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      __typename
      ... on RemoveMemberPayload { removedUserId organization { members { nodes { user { email } } } } }
      ... on UserError { code message }
    }
  }
`);

const Members = graphql(`
  query OrgsMembers($id: ID!) {
    organization(id: $id) { members { nodes { id role user { id email } } } }
  }
`);

/** `member`'s role in `owner`'s first organization, as `viewer` (by default the owner) sees it. */
async function roleOf(owner: Account, member: Account, viewer: Account = owner) {
  const result = await t.gql(Members, { id: owner.organizationId }, { token: viewer.token });
  return result.data?.organization?.members.nodes.find((m) => m.user.id === member.userId)?.role ?? null;
}

const missingOrganizationId = encodeGlobalID('Organization', '00000000-0000-4000-8000-000000000000');

describe('reading organizations', () => {
  it('shows an organization, its members and the viewer’s role to a member', async () => {
    const owner = await newAccount(t, 'reader');
    const admin = await newMember(t, owner, 'ADMIN');
    const result = await t.gql(Organization, { id: owner.organizationId }, { token: admin.token });
    expect(result.data?.organization).toMatchObject({
      id: owner.organizationId,
      viewerRole: 'ADMIN',
      members: {
        totalCount: 2,
        nodes: [
          { role: 'OWNER', user: { email: owner.email } },
          { role: 'ADMIN', user: { email: admin.email } },
        ],
      },
    });
  });

  it('answers another organization’s id exactly as a missing one: null', async () => {
    const mine = await newAccount(t, 'mine');
    const theirs = await newAccount(t, 'theirs');
    const other = await t.gql(Organization, { id: theirs.organizationId }, { token: mine.token });
    const missing = await t.gql(Organization, { id: missingOrganizationId }, { token: mine.token });
    expect(other).toEqual({ status: 200, data: { organization: null } });
    expect(missing).toEqual(other);
  });

  it('answers node(id) for another organization, its members and its users with null', async () => {
    const mine = await newAccount(t, 'nodemine');
    const theirs = await newAccount(t, 'nodetheirs');
    const theirMembers = await t.gql(Members, { id: theirs.organizationId }, { token: theirs.token });
    const theirMembershipId = theirMembers.data?.organization?.members.nodes[0]?.id;
    expect(theirMembershipId).toBeTruthy();
    for (const id of [theirs.organizationId, theirs.userId, theirMembershipId as string, missingOrganizationId]) {
      const result = await t.gql(Node, { id }, { token: mine.token });
      expect(result).toEqual({ status: 200, data: { node: null } });
    }
  });

  it('resolves node(id) for the viewer’s own organization and a co-member', async () => {
    const owner = await newAccount(t, 'nodeowner');
    const member = await newMember(t, owner, 'MEMBER');
    const org = await t.gql(Node, { id: owner.organizationId }, { token: member.token });
    expect(org.data?.node).toMatchObject({ __typename: 'Organization', id: owner.organizationId });
    const user = await t.gql(Node, { id: owner.userId }, { token: member.token });
    expect(user.data?.node).toMatchObject({ __typename: 'User', email: owner.email });
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const owner = await newAccount(t, 'anon');
    const result = await t.gql(Organization, { id: owner.organizationId });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data?.organization ?? null).toBeNull();
  });
});

describe('updateMemberRole', () => {
  it('lets an owner promote a member to admin, and records it', async () => {
    const owner = await newAccount(t, 'promoter');
    const member = await newMember(t, owner, 'MEMBER');
    const input = { organizationId: owner.organizationId, userId: member.userId, role: 'ADMIN' as const };
    const result = await t.gql(UpdateMemberRole, { input }, { token: owner.token });
    expect(result.data?.updateMemberRole).toEqual({
      __typename: 'UpdateMemberRolePayload',
      membership: { role: 'ADMIN', user: { email: member.email } },
    });
    expect(await roleOf(owner, member)).toBe('ADMIN');
  });

  it('lets an admin change a member but not touch an owner, nor grant ownership', async () => {
    const owner = await newAccount(t, 'adminrules');
    const admin = await newMember(t, owner, 'ADMIN');
    const member = await newMember(t, owner, 'MEMBER');
    const change = (userId: string, role: 'OWNER' | 'ADMIN' | 'MEMBER') =>
      t.gql(
        UpdateMemberRole,
        { input: { organizationId: owner.organizationId, userId, role } },
        { token: admin.token },
      );

    expect((await change(member.userId, 'ADMIN')).data?.updateMemberRole?.__typename).toBe('UpdateMemberRolePayload');
    expect((await change(owner.userId, 'MEMBER')).data?.updateMemberRole).toMatchObject({
      __typename: 'RoleNotAllowedError',
      code: 'ROLE_NOT_ALLOWED',
    });
    expect((await change(member.userId, 'OWNER')).data?.updateMemberRole).toMatchObject({
      code: 'ROLE_NOT_ALLOWED',
    });
    expect(await roleOf(owner, owner)).toBe('OWNER');
    expect(await roleOf(owner, member)).toBe('ADMIN');
  });

  it('refuses a plain member with FORBIDDEN and changes nothing', async () => {
    const owner = await newAccount(t, 'memberrules');
    const member = await newMember(t, owner, 'MEMBER');
    const other = await newMember(t, owner, 'MEMBER');
    const result = await t.gql(
      UpdateMemberRole,
      { input: { organizationId: owner.organizationId, userId: other.userId, role: 'ADMIN' } },
      { token: member.token },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await roleOf(owner, other)).toBe('MEMBER');
  });

  it('refuses an owner of another organization exactly as for a missing organization', async () => {
    const victim = await newAccount(t, 'victim');
    const attacker = await newAccount(t, 'attacker');
    const attempt = (organizationId: string) =>
      t.gql(
        UpdateMemberRole,
        { input: { organizationId, userId: victim.userId, role: 'MEMBER' } },
        { token: attacker.token },
      );
    const cross = await attempt(victim.organizationId);
    const missing = await attempt(missingOrganizationId);
    expect(cross.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(cross).toEqual(missing);
    expect(await roleOf(victim, victim)).toBe('OWNER');
  });

  it('refuses to act in one organization on a user of another', async () => {
    const owner = await newAccount(t, 'scope');
    const stranger = await newAccount(t, 'stranger');
    const result = await t.gql(
      UpdateMemberRole,
      { input: { organizationId: owner.organizationId, userId: stranger.userId, role: 'ADMIN' } },
      { token: owner.token },
    );
    expect(result.data?.updateMemberRole).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('never demotes the last owner, but lets one of two owners step down', async () => {
    const owner = await newAccount(t, 'lastowner');
    const demote = (userId: string, token: string) =>
      t.gql(UpdateMemberRole, { input: { organizationId: owner.organizationId, userId, role: 'ADMIN' } }, { token });
    expect((await demote(owner.userId, owner.token)).data?.updateMemberRole).toMatchObject({
      __typename: 'LastOwnerError',
      code: 'LAST_OWNER',
    });
    const second = await newMember(t, owner, 'OWNER');
    expect((await demote(owner.userId, owner.token)).data?.updateMemberRole?.__typename).toBe(
      'UpdateMemberRolePayload',
    );
    expect((await demote(second.userId, second.token)).data?.updateMemberRole).toMatchObject({ code: 'LAST_OWNER' });
    expect(await roleOf(owner, second)).toBe('OWNER');
  });

  it('keeps an owner when two owners demote each other at the same moment', async () => {
    const first = await newAccount(t, 'duel');
    const second = await newMember(t, first, 'OWNER');
    const demote = (target: Account, by: Account) =>
      t.gql(
        UpdateMemberRole,
        { input: { organizationId: first.organizationId, userId: target.userId, role: 'MEMBER' } },
        { token: by.token },
      );
    const results = await Promise.all([demote(first, second), demote(second, first)]);
    const outcomes = results.map((r) => r.data?.updateMemberRole?.__typename ?? r.errors?.[0]?.extensions?.code);
    // The loser is either refused as the last owner or, having just lost the role, as forbidden.
    expect(outcomes.filter((o) => o === 'UpdateMemberRolePayload')).toHaveLength(1);
    const roles = [await roleOf(first, first), await roleOf(first, second)];
    expect(roles.filter((r) => r === 'OWNER')).toHaveLength(1);
    expect(roles.filter((r) => r === 'MEMBER')).toHaveLength(1);
  });

  it('refuses a malformed or wrongly typed id as input, changing nothing', async () => {
    const owner = await newAccount(t, 'badid');
    const bad = await t.gql(
      UpdateMemberRole,
      { input: { organizationId: 'not-an-id', userId: owner.userId, role: 'MEMBER' } },
      { token: owner.token },
    );
    expect(bad.data?.updateMemberRole).toMatchObject({ __typename: 'InvalidIdError', code: 'INVALID_ID' });
    const wrongType = await t.gql(
      UpdateMemberRole,
      { input: { organizationId: owner.userId, userId: owner.userId, role: 'MEMBER' } },
      { token: owner.token },
    );
    expect(wrongType.data?.updateMemberRole).toMatchObject({ code: 'INVALID_ID' });
    expect(await roleOf(owner, owner)).toBe('OWNER');
  });
});

describe('removeMember', () => {
  it('removes a member, whose still-valid token then no longer reaches the organization', async () => {
    const owner = await newAccount(t, 'remover');
    const member = await newMember(t, owner, 'ADMIN');
    const before = await t.gql(Organization, { id: owner.organizationId }, { token: member.token });
    expect(before.data?.organization?.id).toBe(owner.organizationId);

    const result = await t.gql(
      RemoveMember,
      { input: { organizationId: owner.organizationId, userId: member.userId } },
      { token: owner.token },
    );
    expect(result.data?.removeMember).toEqual({
      __typename: 'RemoveMemberPayload',
      removedUserId: member.userId,
      organization: { members: { nodes: [{ user: { email: owner.email } }] } },
    });

    const after = await t.gql(Organization, { id: owner.organizationId }, { token: member.token });
    expect(after.data?.organization).toBeNull();
    const act = await t.gql(
      RemoveMember,
      { input: { organizationId: owner.organizationId, userId: owner.userId } },
      { token: member.token },
    );
    expect(act.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets an admin remove a member but not an owner', async () => {
    const owner = await newAccount(t, 'adminremove');
    const admin = await newMember(t, owner, 'ADMIN');
    const member = await newMember(t, owner, 'MEMBER');
    const remove = (userId: string) =>
      t.gql(RemoveMember, { input: { organizationId: owner.organizationId, userId } }, { token: admin.token });
    expect((await remove(owner.userId)).data?.removeMember).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    expect((await remove(member.userId)).data?.removeMember?.__typename).toBe('RemoveMemberPayload');
    expect(await roleOf(owner, owner)).toBe('OWNER');
    expect(await roleOf(owner, member)).toBeNull();
  });

  it('never removes the last owner', async () => {
    const owner = await newAccount(t, 'soleowner');
    const result = await t.gql(
      RemoveMember,
      { input: { organizationId: owner.organizationId, userId: owner.userId } },
      { token: owner.token },
    );
    expect(result.data?.removeMember).toMatchObject({ __typename: 'LastOwnerError', code: 'LAST_OWNER' });
    expect(await roleOf(owner, owner)).toBe('OWNER');
  });

  it('refuses removal from another organization exactly as from a missing one', async () => {
    const victim = await newAccount(t, 'rmvictim');
    const attacker = await newAccount(t, 'rmattacker');
    const attempt = (organizationId: string) =>
      t.gql(RemoveMember, { input: { organizationId, userId: victim.userId } }, { token: attacker.token });
    const cross = await attempt(victim.organizationId);
    expect(cross.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(cross).toEqual(await attempt(missingOrganizationId));
    expect(await roleOf(victim, victim)).toBe('OWNER');
  });
});
