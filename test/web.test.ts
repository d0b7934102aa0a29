// The web side in a real browser: the accept page an invitation email links to (preview, join as a
// new account, decline with a reason, a dead link), its weight on the wire, and how the server
// serves the pages (CSP, caching). Email goes through a real SMTP peer, delivered by the worker.
import { gzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { invitations } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { graphql } from './generated/index.js';
import { invite } from './helpers/invitations.js';
import { tabTo } from './helpers/keyboard.js';
import { useMailingApp } from './helpers/mailing.js';
import { newAccount } from './helpers/seed.js';
import { mailsTo, plain } from './helpers/smtp.js';

const { sink, t } = useMailingApp((url) => ({ WORKER_ENABLED: 'true', DELIVERY_POLL_MS: '50', SMTP_URL: url }));

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TEST_TIMEOUT = 60_000;
const BUDGET_BYTES = 60 * 1024;
const DEAD_LINK = /Ask the person who invited you to send a new one/;

const InvitationState = graphql(`
  query WebInvitationState($id: ID!) {
    invitation(id: $id) { status timeline { type data } }
  }
`);

const InviteeLogIn = graphql(`
  mutation WebInviteeLogIn($input: LogInInput!) {
    logIn(input: $input) { __typename ... on AuthPayload { token } }
  }
`);

const Memberships = graphql(`
  query WebMemberships {
    viewer { user { name emailVerified } memberships { role organization { id } } }
  }
`);

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

/** A fresh browser profile at a phone's width, refusing any request to another origin. */
async function phone(): Promise<{ page: Page; external: string[] }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  contexts.push(context);
  const origin = new URL(t.url).origin;
  const external: string[] = [];
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      external.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { page, external };
}

/** The accept link in the invitation email delivered to `email`. */
async function emailedLink(email: string): Promise<string> {
  while (mailsTo(sink, email).length === 0) await sink.changed();
  const mail = mailsTo(sink, email).at(-1);
  const link = /https?:\/\/\S+?\/invite\/[^\s"<>]+/.exec(plain(mail?.raw))?.[0];
  if (!link) throw new Error(`no accept link in the email to ${email}`);
  return link;
}

/** Sends an invitation through the API and returns its emailed link, once the worker delivered it. */
const WebCancel = graphql(`
  mutation WebCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) { __typename }
  }
`);

async function invited(label: string, message: string) {
  const owner = await newAccount(t, label);
  const sent = await invite(t, owner, { message });
  return { owner, ...sent, link: await emailedLink(sent.email) };
}

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe('the accept page', () => {
  it(
    'opens from the emailed link, previews the invitation and joins as a new account in one step',
    async () => {
      const message = 'Welcome aboard, we review on Thursdays.';
      const { owner, email, invitation, link } = await invited('web-owner', message);
      expect(link.startsWith(`${t.url}/invite/`)).toBe(true);
      expect(link).toContain('#proof=');

      const { page, external } = await phone();
      await page.goto(link);
      await page.getByRole('heading', { name: /^Join web-owner org/ }).waitFor();
      await page.getByText(message).waitFor();
      await page.getByText(/^web-owner person invited .+ to join as a member\.$/).waitFor();
      // The preview never consumes the token.
      expect(
        (await t.gql(InvitationState, { id: invitation.id }, { token: owner.token })).data?.invitation?.status,
      ).toBe('PENDING');
      expect(await noHorizontalScroll(page)).toBe(true);

      const password = 'correct horse battery staple';
      await page.getByLabel('Your name').fill('Ines Invitee');
      await page.getByLabel('Choose a password').fill(password);
      await page.getByRole('button', { name: 'Join' }).click();
      await page.getByRole('heading', { name: /^Welcome to web-owner org/ }).waitFor();
      await expect(page.getByRole('status').textContent()).resolves.toMatch(/You joined web-owner org/);
      expect(external).toEqual([]);

      const state = await t.gql(InvitationState, { id: invitation.id }, { token: owner.token });
      expect(state.data?.invitation?.status).toBe('ACCEPTED');
      const login = (await t.gql(InviteeLogIn, { input: { email, password } })).data?.logIn;
      if (login?.__typename !== 'AuthPayload') throw new Error(`log-in failed: ${JSON.stringify(login)}`);
      const viewer = (await t.gql(Memberships, {}, { token: login.token })).data?.viewer;
      expect(viewer?.user).toEqual({ name: 'Ines Invitee', emailVerified: true });
      expect(viewer?.memberships).toContainEqual({ role: 'MEMBER', organization: { id: owner.organizationId } });
    },
    TEST_TIMEOUT,
  );

  it(
    'logs in with the account the invited address already has, and accepts in the same step',
    async () => {
      const member = await newAccount(t, 'web-existing');
      const owner = await newAccount(t, 'web-inviting');
      await invite(t, owner, { email: member.email });
      const link = await emailedLink(member.email);
      const { page } = await phone();
      await page.goto(link);
      await page.getByRole('heading', { name: /^Join web-inviting org/ }).waitFor();
      const logIn = page.locator('#log-in');
      await logIn.getByLabel('Email').fill(member.email);
      await logIn.getByLabel('Password').fill('not the password');
      await logIn.getByRole('button', { name: 'Log in and accept' }).click();
      // A wrong password is said beside the form, and nothing is accepted.
      await page
        .getByRole('alert')
        .filter({ hasText: /password/i })
        .waitFor();
      await logIn.getByLabel('Password').fill(member.password);
      await logIn.getByRole('button', { name: 'Log in and accept' }).click();
      await page.getByRole('heading', { name: /^Welcome to web-inviting org/ }).waitFor();
      const viewer = (await t.gql(Memberships, {}, { token: member.token })).data?.viewer;
      expect(viewer?.memberships).toContainEqual({ role: 'MEMBER', organization: { id: owner.organizationId } });
    },
    TEST_TIMEOUT,
  );

  it(
    'joins with the keyboard alone, focus visible on every stop',
    async () => {
      const { owner, invitation, link } = await invited('web-keys', 'Tab through this.');
      const { page } = await phone();
      await page.goto(link);
      await page.getByRole('heading', { name: /^Join web-keys org/ }).waitFor();
      await tabTo(page, (f) => f.label.startsWith('Your name'));
      await page.keyboard.type('Kim Keyboard');
      await tabTo(page, (f) => f.label.startsWith('Choose a password'));
      await page.keyboard.type('typed without any mouse');
      await tabTo(page, (f) => f.text === 'Join');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: /^Welcome to web-keys org/ }).waitFor();
      const state = await t.gql(InvitationState, { id: invitation.id }, { token: owner.token });
      expect(state.data?.invitation?.status).toBe('ACCEPTED');
    },
    TEST_TIMEOUT,
  );

  it(
    'declines with a reason, which the organization sees in the timeline',
    async () => {
      const { owner, invitation, link } = await invited('web-decline', 'Join us?');
      const { page } = await phone();
      await page.goto(link);
      await page.getByRole('heading', { name: /^Join web-decline org/ }).waitFor();
      await page.getByLabel('Reason (optional)').fill('I already work with another team.');
      await page.getByRole('button', { name: 'Decline invitation' }).click();
      await page.getByRole('heading', { name: 'Invitation declined' }).waitFor();

      const state = (await t.gql(InvitationState, { id: invitation.id }, { token: owner.token })).data?.invitation;
      expect(state?.status).toBe('DECLINED');
      expect(JSON.stringify(state?.timeline.find((event) => event.type === 'DECLINED')?.data)).toContain(
        'I already work with another team.',
      );

      // The same link, used: it reads like any dead link.
      await page.reload();
      await page.getByText(DEAD_LINK).first().waitFor();
    },
    TEST_TIMEOUT,
  );

  it(
    'says what to do next for an unknown link, announcing it',
    async () => {
      const { page } = await phone();
      await page.goto(`${t.url}/invite/not-a-real-token#proof=nothing`);
      await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(DEAD_LINK);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows a withdrawn link and an expired one as it shows an unknown one',
    async () => {
      const withdrawn = await invited('web-withdrawn', 'Soon withdrawn.');
      const cancel = await t.gql(
        WebCancel,
        { input: { invitationId: withdrawn.invitation.id } },
        { token: withdrawn.owner.token },
      );
      expect(cancel.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
      const expired = await invited('web-expired', 'Soon expired.');
      await t.app.database.db
        .update(invitations)
        .set({ expiresAt: new Date(Date.now() - 60_000) })
        .where(eq(invitations.id, decodeGlobalID(expired.invitation.id).id));
      for (const { link } of [withdrawn, expired]) {
        const { page } = await phone();
        await page.goto(link);
        await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
        await expect(page.getByRole('alert').textContent()).resolves.toMatch(DEAD_LINK);
        await page.close();
      }
    },
    TEST_TIMEOUT,
  );

  it(
    `loads at most ${BUDGET_BYTES / 1024} KB of gzipped JavaScript and CSS, and none of the console's code`,
    async () => {
      const { link } = await invited('web-budget', 'Small page.');
      const { page } = await phone();
      const loaded: { url: string; body: Promise<Buffer> }[] = [];
      page.on('response', (response) => {
        const type = response.request().resourceType();
        if (type === 'script' || type === 'stylesheet') loaded.push({ url: response.url(), body: response.body() });
      });
      await page.goto(link, { waitUntil: 'networkidle' });
      await page.getByRole('heading', { name: /^Join web-budget org/ }).waitFor();

      const sizes = await Promise.all(
        loaded.map(async ({ url, body }) => ({ url, gzipped: gzipSync(await body, { level: 9 }).length })),
      );
      const total = sizes.reduce((sum, { gzipped }) => sum + gzipped, 0);
      console.log(`accept page: ${sizes.length} files, ${total} bytes gzipped (budget ${BUDGET_BYTES})`);
      expect(sizes.length).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
      expect(sizes.map(({ url }) => new URL(url).pathname).filter((p) => p.includes('console'))).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});

describe('serving the web app', () => {
  it('serves pages uncached with a content security policy allowing no inline script, and assets immutable', async () => {
    for (const pathname of ['/', '/invite/some-token', '/reset-password', '/verify-email']) {
      const response = await fetch(`${t.url}${pathname}`);
      expect(response.status, pathname).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
      expect(csp).toContain("frame-ancestors 'none'");
      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

      const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
      const assetResponse = await fetch(`${t.url}${asset}`);
      expect(assetResponse.status).toBe(200);
      expect(assetResponse.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(assetResponse.headers.get('content-type')).toMatch(/^text\/javascript/);
      // Compressed as the browser asks, the same bytes once decoded; as is for a client that takes neither.
      const plainBytes = await (await fetch(`${t.url}${asset}`, { headers: { 'accept-encoding': 'identity' } })).text();
      for (const [accept, encoding] of [
        ['gzip, deflate, br', 'br'],
        ['gzip, br;q=0', 'gzip'],
        ['identity', null],
      ] as const) {
        const encoded = await fetch(`${t.url}${asset}`, { headers: { 'accept-encoding': accept } });
        expect(encoded.headers.get('content-encoding'), accept).toBe(encoding);
        expect(encoded.headers.get('vary')).toMatch(/\baccept-encoding\b/i);
        expect(await encoded.text()).toBe(plainBytes);
      }
    }
    expect((await fetch(`${t.url}/assets/missing.js`)).status).toBe(404);
    // GraphiQL and the API stay where they were.
    expect((await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).status).toBe(200);
  });
});
