// Forged cursors on every connection (invitations in each order, the audit log, an organization's
// members), in test and production settings: each is refused as INVALID_CURSOR for that field,
// never an internal error, and the cursors the server gave out keep paging.
import { count, eq } from 'drizzle-orm';
import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { auditLog, invitations, memberships } from '../src/db/schema/index.js';
import { graphql } from './generated/index.js';
import { type GraphQLResult, type TestApp, useTestApp } from './helpers/app.js';
import { invite } from './helpers/invitations.js';
import { type Account, newAccount, newMember } from './helpers/seed.js';

const t = useTestApp();
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const prod = useTestApp({ NODE_ENV: 'production', JWT_PRIVATE_KEY: await exportPKCS8(privateKey) });

const EveryConnection = graphql(`
  query CursorsEveryConnection($organizationId: ID!, $first: Int, $after: String, $before: String) {
    createdDesc: invitations(organizationId: $organizationId, orderBy: CREATED_AT_DESC, first: $first, after: $after, before: $before) {
      edges { cursor node { id } }
    }
    createdAsc: invitations(organizationId: $organizationId, orderBy: CREATED_AT_ASC, first: $first, after: $after, before: $before) {
      edges { cursor node { id } }
    }
    expiresAsc: invitations(organizationId: $organizationId, orderBy: EXPIRES_AT_ASC, first: $first, after: $after, before: $before) {
      edges { cursor node { id } }
    }
    emailAsc: invitations(organizationId: $organizationId, orderBy: EMAIL_ASC, first: $first, after: $after, before: $before) {
      edges { cursor node { id } }
    }
    auditLog(organizationId: $organizationId, first: $first, after: $after, before: $before) {
      edges { cursor node { id } }
    }
    organization(id: $organizationId) {
      members(first: $first, after: $after, before: $before) { edges { cursor node { id } } }
    }
  }
`);

type Answer = GraphQLResult<{
  [field: string]: unknown;
}>;

/** Each connection of the query above: its label, the path of its field, and its page of edges. */
const connections = [
  { label: 'invitations (CREATED_AT_DESC)', path: ['createdDesc'] },
  { label: 'invitations (CREATED_AT_ASC)', path: ['createdAsc'] },
  { label: 'invitations (EXPIRES_AT_ASC)', path: ['expiresAsc'] },
  { label: 'invitations (EMAIL_ASC)', path: ['emailAsc'] },
  { label: 'auditLog', path: ['auditLog'] },
  { label: 'Organization.members', path: ['organization', 'members'] },
] as const;

type Edge = { cursor: string; node: { id: string } };

function edgesAt(data: Answer['data'], path: readonly string[]): Edge[] | null {
  let value: unknown = data;
  for (const key of path) value = (value as Record<string, unknown> | null | undefined)?.[key];
  return (value as { edges: Edge[] } | null | undefined)?.edges ?? null;
}

/** An organization with two of everything: invitations, audit entries, members. */
async function organizationWithPages(app: TestApp = t) {
  const owner = await newAccount(app, 'cursors');
  await invite(app, owner);
  await invite(app, owner);
  await newMember(app, owner, 'MEMBER');
  return owner;
}

/** What a refusal must not have changed: the organization's rows. */
async function footprint(owner: Account) {
  const { db } = t.app.database;
  const organizationId = owner.raw.organizationId;
  const [rows] = await db
    .select({ n: count() })
    .from(invitations)
    .where(eq(invitations.organizationId, organizationId));
  const [audits] = await db.select({ n: count() }).from(auditLog).where(eq(auditLog.organizationId, organizationId));
  const [members] = await db
    .select({ n: count() })
    .from(memberships)
    .where(eq(memberships.organizationId, organizationId));
  return { invitations: rows?.n, audits: audits?.n, members: members?.n };
}

const page = (owner: Account, variables: { first?: number; after?: string; before?: string }, app: TestApp = t) =>
  app.gql(EveryConnection, { organizationId: owner.organizationId, first: 2, ...variables }, { token: owner.token });

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const UUID = '00000000-0000-4000-8000-000000000000';
const ms = (iso: string) => Date.parse(iso);

// Cursors none of the connections gave out: they are refused by every one of them.
const forged: [string, string][] = [
  ['empty', ''],
  ['not base64', 'not a cursor!'],
  ['base64 of random junk', Buffer.from([0x8f, 0x00, 0xff, 0x13, 0x37]).toString('base64')],
  ['base64 of readable junk', b64('hello, world')],
  ['base64 without its padding', b64('DC:S:xy').replace(/=+$/, '')],
  ['url-safe base64', b64('DC:T:["D:1700000000000","S:???"]').replace(/\+/g, '-').replace(/\//g, '_')],
  ['the keyset prefix with junk', b64('DC:junk')],
  ['the keyset prefix and nothing', b64('DC:')],
  ['the offset prefix with junk', b64('OffsetConnection:junk')],
  ['the offset prefix and nothing', b64('OffsetConnection:')],
  ['a negative offset', b64('OffsetConnection:-5')],
  ['a NaN offset', b64('OffsetConnection:NaN')],
  ['a huge offset', b64('OffsetConnection:99999999999999999999')],
  ['a fractional offset', b64('OffsetConnection:1.5')],
  ['an offset with leading zeros', b64('OffsetConnection:007')],
  ['a date that is not a number', b64(`DC:T:["D:abc","S:${UUID}"]`)],
  ['a NaN number', b64(`DC:T:["N:NaN","S:${UUID}"]`)],
  ['a huge number', b64(`DC:T:["N:1e400","S:${UUID}"]`)],
  ['a huge date', b64(`DC:T:["D:99999999999999999999","S:${UUID}"]`)],
  ['a date in year 0000', b64(`DC:T:["D:${ms('0000-06-01T00:00:00Z')}","S:${UUID}"]`)],
  ['a date past year 9999', b64(`DC:T:["D:${ms('+010000-01-01T00:00:00Z')}","S:${UUID}"]`)],
  ['a uuid of the wrong shape', b64('DC:T:["D:1700000000000","S:0000-not-a-uuid"]')],
  ['a number where the uuid goes', b64('DC:T:["D:1700000000000","N:1"]')],
  ['SQL where the uuid goes', b64(`DC:T:["N:1","S:' or '1'='1"]`)],
  ['U+0000 in the text', b64(`DC:T:["S:a\u0000b","S:${UUID}"]`)],
  ['null parts', b64('DC:T:[null,null]')],
  ['a null value', b64('DC:Z:')],
  ['a JSON value', b64('DC:O:{"gt":1}')],
  ['a bigint value', b64(`DC:T:["I:1","S:${UUID}"]`)],
  ['a legacy untagged tuple', b64(`DC:J:[1700000000000,"${UUID}"]`)],
  ['a tuple that is not an array', b64('DC:T:{"0":"D:1"}')],
  ['a tuple that is not JSON', b64('DC:T:[D:1')],
  ['a tuple with one part', b64('DC:T:["D:1700000000000"]')],
  ['a tuple with three parts', b64(`DC:T:["D:1700000000000","S:${UUID}","S:${UUID}"]`)],
  ['one bare part of two', b64('DC:D:1700000000000')],
  ['another plugin’s prefix', b64(`GPC:T:["D:1700000000000","S:${UUID}"]`)],
];

describe.each([
  ['test', t],
  ['production', prod],
])('forged cursors (%s settings)', (_settings, app) => {
  it.each(forged)('refuses %s as INVALID_CURSOR on every connection, in after and before', async (_label, cursor) => {
    const owner = await organizationWithPages(app);
    const before = await footprint(owner);
    for (const argument of ['after', 'before'] as const) {
      const result = await page(owner, { [argument]: cursor }, app);
      expect(result.status).toBe(200);
      expect(JSON.stringify(result)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(result.data).toEqual({
        createdDesc: null,
        createdAsc: null,
        expiresAsc: null,
        emailAsc: null,
        auditLog: null,
        organization: null,
      });
      const refusals = (result.errors ?? []).map((error) => ({ path: error.path, extensions: error.extensions }));
      expect(refusals).toEqual(
        expect.arrayContaining(
          connections.map(({ path }) => ({ path: [...path], extensions: { code: 'INVALID_CURSOR', argument } })),
        ),
      );
      expect(result.errors).toHaveLength(connections.length);
      for (const error of result.errors ?? []) expect(error.message).toContain(`\`${argument}\``);
    }
    expect(await footprint(owner)).toEqual(before);
  });

  it('refuses a forged cursor written in the query as a literal, as when passed as a variable', async () => {
    const owner = await organizationWithPages(app);
    const cursor = b64(`DC:T:["D:abc","S:${UUID}"]`);
    const response = await app.post(
      { query: `{ invitations(organizationId: "${owner.organizationId}", after: "${cursor}") { totalCount } }` },
      { token: owner.token },
    );
    expect(await response.json()).toEqual({
      data: { invitations: null },
      errors: [
        expect.objectContaining({ path: ['invitations'], extensions: { code: 'INVALID_CURSOR', argument: 'after' } }),
      ],
    });
  });
});

describe('cursors the server gave out', () => {
  it.each(connections)('pages forwards and back through $label with its own cursors', async ({ path }) => {
    const owner = await organizationWithPages();
    const first = edgesAt((await page(owner, { first: 1 })).data, path);
    expect(first).toHaveLength(1);
    const [one] = first ?? [];
    // The other connections of the query refuse this one's cursor (see below); this one pages on it.
    const refusedHere = (result: Answer) => (result.errors ?? []).filter((error) => error.path?.[0] === path[0]);
    const next = await page(owner, { first: 1, after: one?.cursor });
    expect(refusedHere(next)).toEqual([]);
    const [two] = edgesAt(next.data, path) ?? [];
    expect(two?.node.id).toBeDefined();
    expect(two?.node.id).not.toBe(one?.node.id);
    const back = await page(owner, { first: 1, before: two?.cursor });
    expect(refusedHere(back)).toEqual([]);
    expect(edgesAt(back.data, path)?.map((edge) => edge.node.id)).toEqual([one?.node.id]);
  });

  // Which real cursors another connection takes: those of the same shape (an instant and an id
  // are an instant and an id in either order by date); every other one is refused.
  const takes: Record<string, string[]> = {
    createdDesc: ['createdDesc', 'createdAsc', 'expiresAsc'],
    createdAsc: ['createdDesc', 'createdAsc', 'expiresAsc'],
    expiresAsc: ['createdDesc', 'createdAsc', 'expiresAsc'],
    emailAsc: ['emailAsc'],
    auditLog: ['auditLog'],
    organization: ['organization'],
  };

  it.each(connections)(
    'answers a cursor of $label on every other connection with a page or INVALID_CURSOR',
    async ({ path }) => {
      const owner = await organizationWithPages();
      const [edge] = edgesAt((await page(owner, { first: 1 })).data, path) ?? [];
      expect(edge?.cursor).toBeDefined();
      const result = await page(owner, { after: edge?.cursor });
      expect(JSON.stringify(result)).not.toContain('INTERNAL_SERVER_ERROR');
      const source = path[0];
      for (const target of connections) {
        const field = target.path[0];
        const refusal = result.errors?.find((error) => error.path?.[0] === field);
        if (takes[field]?.includes(source)) {
          expect(refusal, `${source} → ${field}`).toBeUndefined();
          expect(edgesAt(result.data, target.path), `${source} → ${field}`).toEqual(expect.any(Array));
        } else {
          expect(refusal?.extensions, `${source} → ${field}`).toEqual({ code: 'INVALID_CURSOR', argument: 'after' });
        }
      }
    },
  );

  it('answers a negative page size with BAD_USER_INPUT on every connection', async () => {
    const owner = await organizationWithPages();
    const result = await page(owner, { first: -1 });
    expect(JSON.stringify(result)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(result.errors).toHaveLength(connections.length);
    for (const error of result.errors ?? []) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
