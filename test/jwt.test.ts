import { createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { count, eq, sql } from 'drizzle-orm';
import {
  base64url,
  type CryptoKey,
  createLocalJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importPKCS8,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { type GraphQLResult, startTestApp, type TestApp, useTestApp } from './helpers/app.js';
import { testDatabase } from './helpers/db.js';
import { newAccount, uniqueEmail } from './helpers/seed.js';

const t = useTestApp();

const ISSUER = 'invitation-api';
const AUDIENCE = 'invitation-api';

const Viewer = graphql(`
  query JwtViewer {
    viewer {
      user { id email name emailVerified }
      memberships { role organization { id } }
    }
  }
`);

const LogIn = graphql(`
  mutation JwtLogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { token expiresAt user { id } }
      ... on UserError { code message }
    }
  }
`);

const CreateOrganization = graphql(`
  mutation JwtCreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      __typename
      ... on CreateOrganizationPayload { organization { id name } }
      ... on UserError { code message }
    }
  }
`);

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The server's own signing key, read from where the app keeps it. */
function serverKeyPem(app: TestApp = t): string {
  return readFileSync(path.join(app.app.config.DATA_DIR, 'jwt-private-key.pem'), 'utf8');
}

function serverKey(app: TestApp = t): Promise<CryptoKey> {
  return importPKCS8(serverKeyPem(app), 'ES256');
}

/** Claims the server would accept for `sub`, with `overrides` applied; an undefined override removes the claim. */
function claims(sub: string, overrides: Record<string, unknown> = {}): JWTPayload {
  const now = nowSeconds();
  const merged: Record<string, unknown> = { iss: ISSUER, aud: AUDIENCE, sub, iat: now, exp: now + 600, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as JWTPayload;
}

/** Signs exactly `payload`; nothing is added. */
function sign(payload: JWTPayload, key: CryptoKey | Uint8Array, alg = 'ES256', header: Record<string, unknown> = {}) {
  return new SignJWT(payload).setProtectedHeader({ ...header, alg, typ: 'JWT' }).sign(key);
}

const encodeJson = (value: unknown) => base64url.encode(JSON.stringify(value));

function unsigned(payload: JWTPayload, alg = 'none') {
  return `${encodeJson({ alg, typ: 'JWT' })}.${encodeJson(payload)}.`;
}

function expectRefused<R>(result: GraphQLResult<R>) {
  expect(result.status).toBe(401);
  expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  expect(result.data ?? undefined).toBeUndefined();
}

const viewerWith = (app: TestApp, token: string) => app.gql(Viewer, {}, { token });

const viewerWithHeader = (authorization: string) => t.gql(Viewer, {}, { headers: { authorization } });

async function userRow(id: string) {
  const { db } = await testDatabase();
  return (await db.select().from(users).where(eq(users.id, id)))[0];
}

async function usersWithEmail(email: string) {
  const { db } = await testDatabase();
  const [row] = await db.select({ n: count() }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row?.n ?? 0;
}

describe('tokens the server issued', () => {
  it('lets a valid token reach the viewer', async () => {
    const account = await newAccount(t, 'jwtvalid');
    const result = await viewerWith(t, account.token);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer?.user).toMatchObject({ id: account.userId, email: account.email });
  });

  it('issues ES256 tokens for the user uuid that verify against the published JWKS', async () => {
    const account = await newAccount(t, 'jwtjwks');
    const response = await fetch(`${t.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    // Only the public half is published.
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(account.token, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(account.raw.userId);
    expect(typeof payload.exp).toBe('number');
  });

  it('accepts a token forged with the real key and the right claims (the control for the refusals below)', async () => {
    const account = await newAccount(t, 'jwtcontrol');
    const token = await sign(claims(account.raw.userId), await serverKey());
    const result = await viewerWith(t, token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer?.user.id).toBe(account.userId);
  });

  it('refuses only the viewer field for an anonymous request, unlike a bad credential which refuses the request', async () => {
    const anonymous = await t.gql(Viewer, {});
    expect(anonymous.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['UNAUTHENTICATED', ['viewer']]]);
    expect(anonymous.data).toEqual({ viewer: null });

    const forged = await viewerWith(t, 'not-a-token');
    expectRefused(forged);
    expect(forged.errors?.[0]?.path).toBeUndefined();
  });
});

describe('forged and broken tokens', () => {
  it.each(['none', 'None', 'NONE'])('refuses an unsigned token with alg "%s"', async (alg) => {
    const account = await newAccount(t, 'jwtnone');
    expectRefused(await viewerWith(t, unsigned(claims(account.raw.userId), alg)));
  });

  it('refuses an alg "none" token that carries the signature of a real token', async () => {
    const account = await newAccount(t, 'jwtnonesig');
    const signature = account.token.split('.')[2];
    const token = `${unsigned(claims(account.raw.userId))}${signature}`;
    expectRefused(await viewerWith(t, token));
  });

  it('refuses a token signed by another ES256 key, even with the server key id', async () => {
    const account = await newAccount(t, 'jwtotherkey');
    const { privateKey } = await generateKeyPair('ES256');
    const realKid = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()).keys[0].kid as string;
    expectRefused(await viewerWith(t, await sign(claims(account.raw.userId), privateKey)));
    expectRefused(await viewerWith(t, await sign(claims(account.raw.userId), privateKey, 'ES256', { kid: realKid })));
  });

  it('refuses HS256 tokens keyed with the server public key as PEM or as the published JWK', async () => {
    const account = await newAccount(t, 'jwthmac');
    const publicPem = createPublicKey(serverKeyPem()).export({ type: 'spki', format: 'pem' }).toString();
    const jwk = ((await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys[0];
    const publicJwk = await exportJWK(createPublicKey(serverKeyPem()));
    const secrets = [
      publicPem,
      publicPem.trim(),
      JSON.stringify(jwk),
      JSON.stringify({ keys: [jwk] }),
      JSON.stringify(publicJwk),
    ];
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      for (const secret of secrets) {
        const token = await sign(claims(account.raw.userId), new TextEncoder().encode(secret), alg);
        expectRefused(await viewerWith(t, token));
      }
    }
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const victim = await newAccount(t, 'jwtvictim');
    const attacker = await newAccount(t, 'jwtattacker');
    const [header, payload, signature] = attacker.token.split('.');
    const claimsOf = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as JWTPayload;
    expect(claimsOf.sub).toBe(attacker.raw.userId);

    const otherSub = `${header}.${encodeJson({ ...claimsOf, sub: victim.raw.userId })}.${signature}`;
    expectRefused(await viewerWith(t, otherSub));
    const longerLife = `${header}.${encodeJson({ ...claimsOf, exp: nowSeconds() + 365 * 86400 })}.${signature}`;
    expectRefused(await viewerWith(t, longerLife));
    const reversedSignature = `${header}.${payload}.${[...(signature ?? '')].reverse().join('')}`;
    expectRefused(await viewerWith(t, reversedSignature));

    // The untouched tokens still belong to their owners.
    expect((await viewerWith(t, attacker.token)).data?.viewer?.user.id).toBe(attacker.userId);
    expect((await viewerWith(t, victim.token)).data?.viewer?.user.id).toBe(victim.userId);
  });

  it('refuses a forged request and changes nothing: no data in the response, no organization created', async () => {
    const account = await newAccount(t, 'jwtnochange');
    const name = `Forged org ${randomUUID().slice(0, 8)}`;
    const { privateKey } = await generateKeyPair('ES256');
    for (const token of [unsigned(claims(account.raw.userId)), await sign(claims(account.raw.userId), privateKey)]) {
      const result = await t.gql(CreateOrganization, { input: { name } }, { token });
      expectRefused(result);
      expect(result).not.toHaveProperty('data');
    }
    const viewer = await viewerWith(t, account.token);
    expect(viewer.data?.viewer?.memberships).toEqual([{ role: 'OWNER', organization: { id: account.organizationId } }]);
  });
});

describe('claims checked on tokens signed with the real key', () => {
  it('refuses a token whose exp is in the past', async () => {
    const account = await newAccount(t, 'jwtexpired');
    const now = nowSeconds();
    const token = await sign(claims(account.raw.userId, { iat: now - 7200, exp: now - 60 }), await serverKey());
    expectRefused(await viewerWith(t, token));
  });

  it('refuses a real token from logIn once the clock has passed its expiry, and not before', async () => {
    const account = await newAccount(t, 'jwtclock');
    const login = await t.gql(LogIn, { input: { email: account.email, password: account.password } });
    const payload = login.data?.logIn;
    if (payload?.__typename !== 'AuthPayload') expect.fail(`log-in failed: ${JSON.stringify(login)}`);
    expect(decodeJwt(payload.token).exp).toBe(Math.floor(new Date(payload.expiresAt).getTime() / 1000));

    let advanced = 0;
    try {
      t.clock.advance(3590);
      advanced += 3590;
      expect((await viewerWith(t, payload.token)).data?.viewer?.user.id).toBe(account.userId);
      t.clock.advance(11);
      advanced += 11;
      expectRefused(await viewerWith(t, payload.token));
      // The sign-up token, issued just before, has expired as well.
      expectRefused(await viewerWith(t, account.token));
    } finally {
      t.clock.advance(-advanced);
    }
    expect((await viewerWith(t, payload.token)).data?.viewer?.user.id).toBe(account.userId);
  });

  it.each([
    ['no exp', { exp: undefined }],
    ['no sub', { sub: undefined }],
    ['an empty sub', { sub: '' }],
    ['another audience', { aud: 'some-other-api' }],
    ['an audience list without ours', { aud: ['some-other-api', 'yet-another-api'] }],
    ['another issuer', { iss: 'https://evil.example.test' }],
    ['no issuer', { iss: undefined }],
    ['no audience', { aud: undefined }],
    ['a not-before in the future', { nbf: nowSeconds() + 3600 }],
    ['a string exp', { exp: String(nowSeconds() + 600) }],
  ])('refuses a token with %s', async (_label, overrides) => {
    const account = await newAccount(t, 'jwtclaims');
    const token = await sign(claims(account.raw.userId, overrides), await serverKey());
    expectRefused(await viewerWith(t, token));
  });

  it('refuses a token for a user id that does not exist', async () => {
    const token = await sign(claims(randomUUID()), await serverKey());
    expectRefused(await viewerWith(t, token));
  });

  it('refuses a token whose sub is not a user id at all', async () => {
    const account = await newAccount(t, 'jwtsubshape');
    for (const sub of ['not-a-uuid', account.email, account.userId]) {
      const token = await sign(claims(sub), await serverKey());
      expectRefused(await viewerWith(t, token));
    }
  });
});

describe('malformed credentials', () => {
  it.each([
    ['a garbage bearer token', 'Bearer garbage'],
    ['three garbage segments', 'Bearer aaa.bbb.ccc'],
    ['an empty bearer token', 'Bearer '],
    ['a lone dot sequence', 'Bearer ..'],
    ['a JSON body', 'Bearer {"sub":"x"}'],
    ['a bare garbage string', 'garbage'],
    ['Basic credentials', `Basic ${Buffer.from('user@example.test:password').toString('base64')}`],
    ['an unknown scheme', 'Token abc.def.ghi'],
  ])('refuses %s', async (_label, authorization) => {
    expectRefused(await viewerWithHeader(authorization));
  });

  it('refuses a valid token sent with the Basic scheme or with trailing words', async () => {
    const account = await newAccount(t, 'jwtscheme');
    expectRefused(await viewerWithHeader(`Basic ${account.token}`));
    expectRefused(await viewerWithHeader(`Bearer ${account.token} extra`));
    expectRefused(await viewerWithHeader(`Bearer ${account.token}.extra`));
    // The same token with the Bearer scheme works.
    const ok = await viewerWithHeader(`Bearer ${account.token}`);
    expect(ok.data?.viewer?.user.id).toBe(account.userId);
  });
});

describe('the external identity provider', () => {
  const IDP_ISSUER = 'https://idp.example.test/';
  const IDP_AUDIENCE = 'invitation-api-external';
  const KID = 'idp-key-1';
  let idpKey: CryptoKey;
  let jwksServer: http.Server;
  let idp: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    idpKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
    jwksServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    idp = await startTestApp({
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_JWKS_ISSUER: IDP_ISSUER,
      JWT_JWKS_AUDIENCE: IDP_AUDIENCE,
    });
  });

  afterAll(async () => {
    await idp?.stop();
    await new Promise<void>((resolve) => (jwksServer ? jwksServer.close(() => resolve()) : resolve()));
  });

  function idpClaims(overrides: Record<string, unknown> = {}): JWTPayload {
    const now = nowSeconds();
    const merged: Record<string, unknown> = {
      iss: IDP_ISSUER,
      aud: IDP_AUDIENCE,
      sub: `idp-${randomUUID()}`,
      iat: now,
      exp: now + 600,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as JWTPayload;
  }

  const idpToken = (overrides: Record<string, unknown> = {}) =>
    sign(idpClaims(overrides), idpKey, 'RS256', { kid: KID });

  it('lets a verified email of an existing account reach that account, and links it', async () => {
    const account = await newAccount(idp, 'idpexisting');
    const sub = `idp-${randomUUID()}`;
    const result = await viewerWith(
      idp,
      await idpToken({ sub, email: account.email.toUpperCase(), email_verified: true }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer?.user).toMatchObject({ id: account.userId, email: account.email, emailVerified: true });
    expect(result.data?.viewer?.memberships).toEqual([{ role: 'OWNER', organization: { id: account.organizationId } }]);
    expect((await userRow(account.raw.userId))?.externalId).toBe(`${IDP_ISSUER}|${sub}`);

    // Once linked, the identity alone finds the account, even without an email claim.
    const again = await viewerWith(idp, await idpToken({ sub }));
    expect(again.data?.viewer?.user.id).toBe(account.userId);
    expect(await usersWithEmail(account.email)).toBe(1);
  });

  it('creates a user with a verified email for a new verified email, and finds it again by identity', async () => {
    const email = uniqueEmail('idpnew');
    const sub = `idp-${randomUUID()}`;
    expect(await usersWithEmail(email)).toBe(0);
    const result = await viewerWith(idp, await idpToken({ sub, email, email_verified: true, name: 'Idp Newcomer' }));
    expect(result.errors).toBeUndefined();
    const user = result.data?.viewer?.user;
    expect(user).toMatchObject({ email, emailVerified: true, name: 'Idp Newcomer' });
    expect(result.data?.viewer?.memberships).toEqual([]);
    const row = await userRow(decodeGlobalID(user?.id ?? '').id);
    expect(row).toMatchObject({ email, emailVerified: true, externalId: `${IDP_ISSUER}|${sub}`, passwordHash: null });

    const again = await viewerWith(idp, await idpToken({ sub, email, email_verified: true }));
    expect(again.data?.viewer?.user.id).toBe(user?.id);
    expect(await usersWithEmail(email)).toBe(1);
  });

  it.each([
    ['false', false],
    ['missing', undefined],
    ['the string "true"', 'true'],
    ['the number 1', 1],
  ])('refuses an email_verified of %s for an existing account, and leaves the account unlinked', async (_l, flag) => {
    const account = await newAccount(idp, 'idpunverified');
    const result = await viewerWith(idp, await idpToken({ email: account.email, email_verified: flag }));
    expectRefused(result);
    const row = await userRow(account.raw.userId);
    expect(row?.externalId).toBeNull();
    expect(row?.emailVerified).toBe(false);
  });

  it('refuses an unverified new email and creates no user', async () => {
    const email = uniqueEmail('idpunverifiednew');
    expectRefused(await viewerWith(idp, await idpToken({ email, email_verified: false })));
    expectRefused(await viewerWith(idp, await idpToken({})));
    expect(await usersWithEmail(email)).toBe(0);
  });

  it('lets concurrent first sign-ins of one provider identity all reach the same account', async () => {
    for (let round = 0; round < 3; round++) {
      const account = await newAccount(idp, 'idprace');
      const linkToken = await idpToken({ email: account.email, email_verified: true });
      const linking = await Promise.all([1, 2, 3, 4].map(() => viewerWith(idp, linkToken)));
      expect(linking.map((r) => [r.status, r.data?.viewer?.user.id])).toEqual(linking.map(() => [200, account.userId]));

      const email = uniqueEmail('idpracenew');
      const createToken = await idpToken({ email, email_verified: true });
      const creating = await Promise.all([1, 2, 3, 4].map(() => viewerWith(idp, createToken)));
      expect(creating.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(new Set(creating.map((r) => r.data?.viewer?.user.id)).size).toBe(1);
      expect(await usersWithEmail(email)).toBe(1);
    }
  });

  it('refuses another identity of the provider claiming an account already linked to one', async () => {
    const account = await newAccount(idp, 'idplinked');
    const first = await viewerWith(idp, await idpToken({ email: account.email, email_verified: true }));
    expect(first.data?.viewer?.user.id).toBe(account.userId);
    const linkedTo = (await userRow(account.raw.userId))?.externalId;

    expectRefused(await viewerWith(idp, await idpToken({ email: account.email, email_verified: true })));
    expect((await userRow(account.raw.userId))?.externalId).toBe(linkedTo);
  });

  it('refuses a provider token signed by another key, with or without the provider key id', async () => {
    const account = await newAccount(idp, 'idpotherkey');
    const { privateKey } = await generateKeyPair('RS256');
    const payload = idpClaims({ email: account.email, email_verified: true });
    expectRefused(await viewerWith(idp, await sign(payload, privateKey, 'RS256', { kid: KID })));
    expectRefused(await viewerWith(idp, await sign(payload, privateKey, 'RS256')));
    // Nor is the app's own ES256 key good for provider tokens.
    expectRefused(await viewerWith(idp, await sign(payload, await serverKey(idp), 'ES256', { kid: KID })));
    expect((await userRow(account.raw.userId))?.externalId).toBeNull();
  });

  it('refuses a provider token with the wrong audience, an expired one, and an unsigned one', async () => {
    const email = uniqueEmail('idpclaims');
    const verified = { email, email_verified: true };
    expectRefused(await viewerWith(idp, await idpToken({ ...verified, aud: 'some-other-api' })));
    expectRefused(await viewerWith(idp, await idpToken({ ...verified, aud: ISSUER })));
    expectRefused(await viewerWith(idp, await idpToken({ ...verified, exp: nowSeconds() - 60 })));
    expectRefused(await viewerWith(idp, await idpToken({ ...verified, exp: undefined })));
    expectRefused(await viewerWith(idp, unsigned(idpClaims(verified))));
    expect(await usersWithEmail(email)).toBe(0);
  });

  it('refuses an HS256 provider token keyed with the provider public key', async () => {
    const email = uniqueEmail('idphmac');
    const jwks = await (await fetch(idp.app.config.JWT_JWKS_URL ?? '')).text();
    const jwk = JSON.stringify((JSON.parse(jwks) as { keys: JWK[] }).keys[0]);
    for (const secret of [jwks, jwk]) {
      const token = await sign(idpClaims({ email, email_verified: true }), new TextEncoder().encode(secret), 'HS256', {
        kid: KID,
      });
      expectRefused(await viewerWith(idp, token));
    }
    expect(await usersWithEmail(email)).toBe(0);
  });

  it('refuses a provider-signed token that names the local issuer, so the provider cannot mint local sessions', async () => {
    const account = await newAccount(idp, 'idplocal');
    const token = await sign(claims(account.raw.userId), idpKey, 'RS256', { kid: KID });
    expectRefused(await viewerWith(idp, token));
  });

  it('refuses provider tokens on an app that has no provider configured', async () => {
    const account = await newAccount(t, 'idpunconfigured');
    expectRefused(await viewerWith(t, await idpToken({ email: account.email, email_verified: true })));
    expect((await userRow(account.raw.userId))?.externalId).toBeNull();
  });
});
