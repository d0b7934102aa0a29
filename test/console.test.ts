// The console (/) in a real browser against the real server, with the delivery worker on and a real
// SMTP peer: sign up, send with the dry run beside the fields, watch a row go live to Sent and then
// Accepted, resend, cancel with a reason in a dialog, bulk paste, keyboard only, axe, and widths.
import { AxeBuilder } from '@axe-core/playwright';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type WebSocketRoute,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/index.js';
import { workerPass } from './helpers/app.js';
import { eventually } from './helpers/eventually.js';
import { invite, proofOf, tokenOf } from './helpers/invitations.js';
import { type Focus, tabTo as tabFocusTo } from './helpers/keyboard.js';
import { organizationWatched } from './helpers/live.js';
import { useMailingApp } from './helpers/mailing.js';
import { type Account, newAccount, newMember, uniqueEmail } from './helpers/seed.js';
import { mailsTo, plain } from './helpers/smtp.js';

const { sink, t } = useMailingApp((url) => ({
  WORKER_ENABLED: 'true',
  DELIVERY_POLL_MS: '50',
  SMTP_URL: url,
  RESEND_COOLDOWN_SECONDS: '0',
}));

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TEST_TIMEOUT = 90_000;

const Accept = graphql(`
  mutation ConsoleTestAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { __typename ... on UserError { code message } }
  }
`);

const Timeline = graphql(`
  query ConsoleTestTimeline($id: ID!) {
    invitation(id: $id) { status attempts timeline { type data } }
  }
`);

const Listed = graphql(`
  query ConsoleTestListed($organizationId: ID!) {
    invitations(organizationId: $organizationId, first: 100) { totalCount edges { node { email } } }
  }
`);

const BulkSend = graphql(`
  mutation ConsoleTestBulk($input: SendInvitationsInput!) {
    sendInvitations(input: $input) {
      __typename
      ... on SendInvitationsPayload { sentCount results { ... on SendInvitationPayload { invitation { id email } } } }
    }
  }
`);

const Cancel = graphql(`
  mutation ConsoleTestCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) { __typename }
  }
`);

const StatsOf = graphql(`
  query ConsoleTestStats($organizationId: ID!, $from: DateTime!, $to: DateTime!) {
    invitationStats(organizationId: $organizationId, from: $from, to: $to) {
      __typename
      ... on InvitationStats { invited rates { acceptance { numerator denominator } resend { numerator denominator } } }
    }
  }
`);

const MemberRoles = graphql(`
  query ConsoleTestMembers($organizationId: ID!) {
    organization(id: $organizationId) { members(first: 100) { edges { node { role user { email } } } } }
  }
`);

const SettingsOf = graphql(`
  query ConsoleTestSettings($organizationId: ID!) {
    organization(id: $organizationId) { blockedEmailDomains }
  }
`);

const AuditOf = graphql(`
  query ConsoleTestAudit($organizationId: ID!) {
    auditLog(organizationId: $organizationId, first: 1) { totalCount edges { node { action } } }
    auditLogIntegrity(organizationId: $organizationId) { valid checked }
  }
`);

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function open(width = 1440, beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await beforeLoad?.(page);
  await page.goto(t.url);
  return page;
}

async function logIn(page: Page, account: Account) {
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** The list's row for `email`. */
const rowOf = (page: Page, email: string) => page.locator('li.invitation').filter({ hasText: email });
const textOf = async (locator: Locator) => (await locator.textContent())?.trim();

/** Waits until the row's field reads `text`, then says so. */
async function rowReads(page: Page, email: string, field: 'status' | 'delivery', text: string) {
  await rowOf(page, email)
    .locator(`[data-field="${field}"]`, { hasText: new RegExp(`^${text}$`) })
    .waitFor();
  return textOf(rowOf(page, email).locator(`[data-field="${field}"]`));
}

const announced = (page: Page) => textOf(page.getByTestId('live-announcer'));
const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) <= window.innerWidth);

/** A mark in the page's window: still there later means the page was not reloaded. */
const markPage = (page: Page) => page.evaluate(() => Object.assign(window, { consoleTestMark: true }));
const stillSamePage = (page: Page) => page.evaluate(() => 'consoleTestMark' in window);

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the console', () => {
  it(
    'signs an owner up, sends an invitation with a message and shows its row reach Sent, then Accepted, live',
    async () => {
      const taken = await newAccount(t, 'console-taken');
      const page = await open();
      await page.getByRole('button', { name: 'Create an account' }).click();
      const email = uniqueEmail('console-owner');
      await page.getByLabel('Your name').fill('Olga Owner');
      await page.getByLabel('Email').fill(taken.email);
      await page.getByLabel('Password').fill('short');
      await page.getByLabel('Organization name').fill('Olga org');
      await page.getByRole('button', { name: 'Create account' }).click();
      // Each error beside its field, tied to it for screen readers.
      await expect(textOf(page.locator('#signup-password-error'))).resolves.toBe('Use at least 10 characters.');
      await expect(page.getByLabel('Password').getAttribute('aria-invalid')).resolves.toBe('true');
      await page.getByLabel('Password').fill('a long enough password');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#signup-email-error').waitFor();
      await expect(textOf(page.locator('#signup-email-error'))).resolves.toMatch(/already uses this email/);
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Olga org' }).waitFor();
      await page.getByRole('heading', { name: 'Invitations (0)' }).waitFor();

      // The dry run speaks beside the email as it is typed; the send's refusal says it in plain words.
      await page.locator('#invite-email').fill(email);
      await page.locator('#invite-email-error').waitFor();
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.locator('#invite-email-error', { hasText: /^You cannot invite your own email\.$/ }).waitFor();

      const invitee = uniqueEmail('console-invitee');
      const message = 'Glad to have you, we meet on Mondays.';
      await page.locator('#invite-email').fill(invitee);
      await page.getByLabel('Personal message (optional)').fill(message);
      await markPage(page);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`Invitation sent to ${invitee}.`).waitFor();
      const inviteUrl = await page.getByLabel('Accept link').inputValue();
      expect(inviteUrl).toContain('/invite/');

      await expect(rowReads(page, invitee, 'delivery', 'Sent')).resolves.toBe('Sent');
      await expect(announced(page)).resolves.toBe(`Invitation to ${invitee}: Pending, Sent.`);
      expect(await stillSamePage(page)).toBe(true);
      while (mailsTo(sink, invitee).length === 0) await sink.changed();
      expect(plain(mailsTo(sink, invitee)[0]?.raw)).toContain(message);

      // The invitee joins from elsewhere; the owner's list follows.
      const token = tokenOf(inviteUrl);
      const accepted = await t.gql(Accept, {
        input: { token, proof: await proofOf(t, token), name: 'Ivo Invitee', password: 'another long password' },
      });
      expect(accepted.data?.acceptInvitation?.__typename).toBe('AcceptInvitationPayload');
      await expect(rowReads(page, invitee, 'status', 'Accepted')).resolves.toBe('Accepted');
      await expect(announced(page)).resolves.toMatch(new RegExp(`^Invitation to ${invitee}: Accepted`));
      expect(await stillSamePage(page)).toBe(true);

      // Logging out ends the session in this tab.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
    },
    TEST_TIMEOUT,
  );

  it(
    'logs in with the error beside the password, resends, and cancels with a reason in a dialog that keeps and returns focus',
    async () => {
      const owner = await newAccount(t, 'console-resend');
      const { email, invitation } = await invite(t, owner, { message: 'Hello' });
      const page = await open();
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('#login-password-error').waitFor();
      await expect(textOf(page.locator('#login-password-error'))).resolves.toBe('The email or the password is wrong.');
      await logIn(page, owner);

      await rowReads(page, email, 'delivery', 'Sent');
      await page.getByRole('button', { name: `Resend to ${email}` }).click();
      const newLink = await page.getByLabel(`New link for ${email}`).inputValue();
      expect(newLink).toContain('/invite/');
      await rowOf(page, email)
        .getByText(/2 emails/)
        .waitFor();
      expect((await t.gql(Timeline, { id: invitation.id }, { token: owner.token })).data?.invitation?.attempts).toBe(2);

      const cancel = page.getByRole('button', { name: `Cancel the invitation to ${email}` });
      await cancel.click();
      const dialog = page.getByRole('dialog', { name: `Cancel the invitation to ${email}?` });
      await dialog.waitFor();
      const focusInDialog = () => page.evaluate(() => Boolean(document.activeElement?.closest('dialog')));
      expect(await focusInDialog()).toBe(true);
      for (let i = 0; i < 5; i++) {
        await page.keyboard.press('Tab');
        expect(await focusInDialog()).toBe(true);
      }
      await page.keyboard.press('Shift+Tab');
      expect(await focusInDialog()).toBe(true);
      // Escape closes it, focus back on the button that opened it.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await cancel.evaluate((button) => button === document.activeElement)).toBe(true);

      await cancel.click();
      await page.getByLabel(/^Reason/).fill('Sent to the wrong team.');
      await dialog.getByRole('button', { name: 'Cancel invitation' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(rowReads(page, email, 'status', 'Cancelled')).resolves.toBe('Cancelled');
      await expect(page.getByRole('button', { name: `Resend to ${email}` }).count()).resolves.toBe(0);
      // The cancel button went with the pending state; focus waits on the row, not the page's start.
      await page.waitForFunction((text) => document.activeElement?.textContent === text, email);

      const state = (await t.gql(Timeline, { id: invitation.id }, { token: owner.token })).data?.invitation;
      expect(state?.status).toBe('CANCELLED');
      expect(JSON.stringify(state?.timeline.find((e) => e.type === 'CANCELLED')?.data)).toContain(
        'Sent to the wrong team.',
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'bulk sends a pasted list of 20 with two bad rows: those two say why, the eighteen others are sent',
    async () => {
      const owner = await newAccount(t, 'console-bulk');
      const page = await open();
      await logIn(page, owner);
      const good = Array.from({ length: 18 }, (_, i) => uniqueEmail(`bulk-${i}`));
      const lines = [
        ...good.slice(0, 5),
        'not-an-email',
        ...good.slice(5, 12),
        `${owner.email},admin`,
        ...good.slice(12),
      ];
      expect(lines).toHaveLength(20);
      await page.getByLabel('Emails, one a line').fill(lines.join('\n'));
      await page.getByRole('button', { name: 'Send all' }).click();
      await page.getByText('18 sent, 2 not sent.').waitFor();

      const refused = page.locator('tr[data-outcome="refused"]');
      await expect(refused.count()).resolves.toBe(2);
      await expect(page.locator('tr[data-outcome="sent"]').count()).resolves.toBe(18);
      await expect(textOf(refused.nth(0).locator('td').nth(1))).resolves.toBe('not-an-email');
      await expect(textOf(refused.nth(0).locator('td').nth(2))).resolves.toMatch(/email/i);
      await expect(textOf(refused.nth(1).locator('td').nth(1))).resolves.toBe(owner.email);
      await expect(textOf(refused.nth(1).locator('td').nth(2))).resolves.toBe('You cannot invite your own email.');

      const listed = (await t.gql(Listed, { organizationId: owner.organizationId }, { token: owner.token })).data;
      expect(listed?.invitations?.totalCount).toBe(18);
      expect(listed?.invitations?.edges.map((e) => e.node.email).sort()).toEqual([...good].sort());
      await page.getByRole('heading', { name: 'Invitations (18)' }).waitFor();
      await rowReads(page, good[0] as string, 'delivery', 'Sent');
    },
    TEST_TIMEOUT,
  );

  it(
    'sends an invitation with the keyboard alone, focus visible on every stop',
    async () => {
      const owner = await newAccount(t, 'console-keys');
      const page = await open();
      const tabTo = (match: (f: Focus) => boolean) => tabFocusTo(page, match);
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      await tabTo((f) => f.id === 'login-email');
      await page.keyboard.type(owner.email);
      await tabTo((f) => f.id === 'login-password');
      await page.keyboard.type(owner.password);
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Log out' }).waitFor();

      const invitee = uniqueEmail('console-keyboard');
      await page.locator('#invite-email').waitFor();
      await tabTo((f) => f.id === 'invite-email');
      await page.keyboard.type(invitee);
      await tabTo((f) => f.id === 'invite-message');
      await page.keyboard.type('Typed without a mouse.');
      await tabTo((f) => f.text === 'Send invitation');
      await page.keyboard.press('Enter');
      await page.getByText(`Invitation sent to ${invitee}.`).waitFor();
      await rowReads(page, invitee, 'delivery', 'Sent');
    },
    TEST_TIMEOUT,
  );

  it(
    'filters by status, sorts, pages with cursors beside the total, shows a history, and statistics that match invitationStats',
    async () => {
      const owner = await newAccount(t, 'console-pages');
      const emails = Array.from({ length: 22 }, (_, i) => uniqueEmail(`page-${String(i).padStart(2, '0')}`));
      const bulk = await t.gql(
        BulkSend,
        {
          input: {
            organizationId: owner.organizationId,
            invitations: emails.map((email) => ({ email, role: 'MEMBER' as const })),
          },
        },
        { token: owner.token },
      );
      const sent = bulk.data?.sendInvitations;
      if (sent?.__typename !== 'SendInvitationsPayload') throw new Error(JSON.stringify(bulk));
      expect(sent.sentCount).toBe(22);
      const cancelled = sent.results[7];
      if (!cancelled || !('invitation' in cancelled)) throw new Error('no invitation in row 8');
      const reason = 'Hired elsewhere.';
      const cancel = await t.gql(
        Cancel,
        { input: { invitationId: cancelled.invitation.id, reason } },
        { token: owner.token },
      );
      expect(cancel.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');

      const page = await open();
      await logIn(page, owner);
      await page.getByRole('heading', { name: 'Invitations (22)' }).waitFor();
      await page.getByText('Page 1 of 2').waitFor();
      await expect(page.locator('li.invitation').count()).resolves.toBe(20);
      const firstPage = await page.locator('li.invitation strong').allTextContents();
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText('Page 2 of 2').waitFor();
      await expect(page.locator('li.invitation').count()).resolves.toBe(2);
      // One transaction sent all 22 (one creation time): the pages hold each exactly once between them.
      const secondPage = await page.locator('li.invitation strong').allTextContents();
      expect([...firstPage, ...secondPage].sort()).toEqual([...emails].sort());
      await expect(page.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Previous page' }).click();
      await page.getByText('Page 1 of 2').waitFor();

      await page.getByLabel('Sort').selectOption({ label: 'Email, A to Z' });
      await page.locator('li.invitation strong', { hasText: emails[0] }).first().waitFor();
      await expect(textOf(page.locator('li.invitation strong').first())).resolves.toBe(emails[0]);

      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Cancelled' });
      await page.getByRole('heading', { name: 'Invitations (1)' }).waitFor();
      await expect(page.locator('li.invitation').count()).resolves.toBe(1);
      await expect(textOf(page.locator('li.invitation strong'))).resolves.toBe(cancelled.invitation.email);
      await page.getByRole('button', { name: `History of the invitation to ${cancelled.invitation.email}` }).click();
      await page
        .getByRole('list', { name: 'History' })
        .getByText(`Cancelled: reason: “${reason}”`, { exact: false })
        .waitFor();

      await page.getByRole('button', { name: 'Statistics' }).click();
      const section = page.locator('section[data-from]');
      await section.locator('[data-stat="invited"]').waitFor();
      const from = (await section.getAttribute('data-from')) as string;
      const to = (await section.getAttribute('data-to')) as string;
      const stats = (await t.gql(StatsOf, { organizationId: owner.organizationId, from, to }, { token: owner.token }))
        .data?.invitationStats;
      if (stats?.__typename !== 'InvitationStats') throw new Error(JSON.stringify(stats));
      expect(stats.invited).toBe(22);
      await expect(textOf(section.locator('[data-stat="invited"]'))).resolves.toBe(String(stats.invited));
      const acceptance = stats.rates.acceptance;
      await expect(textOf(section.locator('[data-rate="acceptance"] td').first())).resolves.toBe(
        `${acceptance.numerator} of ${acceptance.denominator} invited`,
      );
    },
    TEST_TIMEOUT,
  );

  it(
    "changes a member's role, removes a member, and explains the last-owner rule when the only owner tries to step down",
    async () => {
      const owner = await newAccount(t, 'console-members');
      const admin = await newMember(t, owner, 'ADMIN', 'console-admin');
      const member = await newMember(t, owner, 'MEMBER', 'console-member');
      const page = await open();
      await logIn(page, owner);
      await page.getByRole('button', { name: 'Members' }).click();
      await page.getByRole('heading', { name: 'Members (3)' }).waitFor();
      await page.getByText(/the last owner can be neither demoted nor removed/).waitFor();

      const ownerRow = page.locator(`li[data-member="${owner.email}"]`);
      await ownerRow.getByLabel(/^New role for/).selectOption('ADMIN');
      await ownerRow.getByRole('button', { name: 'Change role' }).click();
      await ownerRow
        .getByRole('alert')
        .getByText(/always needs an owner/)
        .waitFor();

      const adminRow = page.locator(`li[data-member="${admin.email}"]`);
      await adminRow.getByLabel(/^New role for/).selectOption('MEMBER');
      await adminRow.getByRole('button', { name: 'Change role' }).click();
      await adminRow.getByText('Role: Member').waitFor();

      const memberRow = page.locator(`li[data-member="${member.email}"]`);
      await memberRow.getByRole('button', { name: /^Remove / }).click();
      await memberRow.getByRole('button', { name: /^Yes, remove / }).click();
      await page.getByRole('heading', { name: 'Members (2)' }).waitFor();

      const roles = (await t.gql(MemberRoles, { organizationId: owner.organizationId }, { token: owner.token })).data;
      expect(
        Object.fromEntries(roles?.organization?.members.edges.map((e) => [e.node.user.email, e.node.role]) ?? []),
      ).toEqual({ [owner.email]: 'OWNER', [admin.email]: 'MEMBER' });
    },
    TEST_TIMEOUT,
  );
});

describe('settings, audit log, live statistics, and a dropped connection', () => {
  it(
    'blocks a domain in the settings (a bad line is named and changes nothing), and lists the audit log with an intact integrity check',
    async () => {
      const owner = await newAccount(t, 'console-settings');
      const page = await open();
      await logIn(page, owner);
      await page.getByRole('button', { name: 'Settings' }).click();
      const field = page.getByLabel('Blocked email domains');
      await field.fill('blocked.example\nnot a domain');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText(/^Line 2 \(not a domain\)/).waitFor();
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
      const before = await t.gql(SettingsOf, { organizationId: owner.organizationId }, { token: owner.token });
      expect(before.data?.organization?.blockedEmailDomains).toEqual([]);

      await field.fill('blocked.example');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').getByText('Saved: 1 blocked domain.').waitFor();
      const after = await t.gql(SettingsOf, { organizationId: owner.organizationId }, { token: owner.token });
      expect(after.data?.organization?.blockedEmailDomains).toEqual(['blocked.example']);

      // An invitation to a subdomain is not mailed: its row ends Rejected.
      await page.getByRole('button', { name: 'Invitations' }).click();
      const blocked = await invite(t, owner, { email: uniqueEmail('someone').replace(/@.*/, '@team.blocked.example') });
      await expect(rowReads(page, blocked.email, 'delivery', 'Rejected')).resolves.toBe('Rejected');
      expect(mailsTo(sink, blocked.email)).toHaveLength(0);

      await page.getByRole('button', { name: 'Audit log' }).click();
      const audit = (await t.gql(AuditOf, { organizationId: owner.organizationId }, { token: owner.token })).data;
      const newest = audit?.auditLog?.edges[0]?.node.action;
      expect(newest).toBeDefined();
      await page.getByRole('heading', { name: `Audit log (${audit?.auditLog?.totalCount})` }).waitFor();
      await expect(page.locator('table.audit tbody tr').first().getAttribute('data-action')).resolves.toBe(newest);
      await expect(page.locator('tr[data-action="organization.settings_changed"]').count()).resolves.toBe(1);
      await page.getByRole('button', { name: 'Check integrity' }).click();
      expect(audit?.auditLogIntegrity).toMatchObject({ valid: true });
      await page
        .getByTestId('audit-integrity')
        .getByText(`Intact: all ${audit?.auditLogIntegrity?.checked} entries match their hashes and chain.`)
        .waitFor();
    },
    TEST_TIMEOUT,
  );

  it(
    'mails a reset link to whoever forgot their password; the page it opens sets a new one, which logs in',
    async () => {
      const owner = await newAccount(t, 'console-forgot');
      const page = await open();
      await page.getByRole('button', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email').fill(owner.email.toUpperCase());
      await page.getByRole('button', { name: 'Email me a link' }).click();
      await page.getByRole('status').getByText(`If an account uses ${owner.email}, a link`).waitFor();
      const [mail] = await eventually(
        async () => sink.accountMails.filter((m) => m.to.includes(owner.email) && /Reset your password/.test(m.raw)),
        (mails) => mails.length > 0,
        workerPass(t),
      );
      const link = /https?:\/\/\S+?\/reset-password#token=[^\s"<>]+/.exec(plain(mail?.raw))?.[0];
      expect(link?.startsWith(`${t.url}/reset-password#token=`)).toBe(true);

      await page.goto(link as string);
      const password = 'a brand new passphrase';
      await page.getByLabel('New password').fill(password);
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByRole('heading', { name: 'Password changed' }).waitFor();
      await page.goto(t.url);
      await page.getByRole('button', { name: 'Log out' }).click();
      await logIn(page, { ...owner, password });
    },
    TEST_TIMEOUT,
  );

  it(
    'reminds a new account to confirm its email, mails the link again on request, and makes a second organization',
    async () => {
      const page = await open();
      await page.getByRole('button', { name: 'Create an account' }).click();
      const email = uniqueEmail('console-verify');
      await page.getByLabel('Your name').fill('Vera Verify');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('a long enough password');
      await page.getByLabel('Organization name').fill('Vera org');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText(/^Confirm your email: open the link we sent to/).waitFor();
      await page.getByRole('button', { name: 'Send the link again' }).click();
      await page.getByText(`A new link is on its way to ${email}.`).waitFor();
      const verifications = await eventually(
        async () => sink.accountMails.filter((m) => m.to.includes(email)),
        (mails) => mails.length === 2,
        workerPass(t),
      );
      const link = /https?:\/\/\S+?\/verify-email#token=[^\s"<>]+/.exec(plain(verifications.at(-1)?.raw))?.[0];
      expect(link?.startsWith(`${t.url}/verify-email#token=`)).toBe(true);
      await page.goto(link as string);
      await page.getByRole('heading', { name: 'Email address confirmed' }).waitFor();
      await page.goto(t.url);
      await page.getByRole('heading', { name: 'Vera org' }).waitFor();
      await expect(page.getByText(/^Confirm your email/).count()).resolves.toBe(0);

      await page.getByRole('button', { name: 'New organization' }).click();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByText('Enter a name for the organization.').waitFor();
      await page.getByLabel("New organization's name").fill('Vera second org');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByRole('heading', { name: 'Vera second org' }).waitFor();
      await expect(
        page.getByLabel('Organization', { exact: true }).locator('option').allTextContents(),
      ).resolves.toEqual(['Vera org', 'Vera second org']);
    },
    TEST_TIMEOUT,
  );

  it(
    'updates the statistics and the daily chart live when an invitation is sent elsewhere',
    async () => {
      const owner = await newAccount(t, 'console-live-stats');
      await invite(t, owner);
      const page = await open();
      await logIn(page, owner);
      await page.getByRole('button', { name: 'Statistics' }).click();
      const section = page.locator('section[data-from]');
      await section.locator('[data-stat="invited"]', { hasText: /^1$/ }).waitFor();
      const today = new Date().toISOString().slice(0, 10);
      await section.locator(`g[data-day="${today}"][data-invited="1"]`).waitFor();
      await expect(section.locator('g[data-day]').count()).resolves.toBe(30);
      await markPage(page);

      await invite(t, owner);
      await invite(t, owner);
      await section.locator('[data-stat="invited"]', { hasText: /^3$/ }).waitFor();
      await section.locator(`g[data-day="${today}"][data-invited="3"]`).waitFor();
      await expect(stillSamePage(page)).resolves.toBe(true);
    },
    TEST_TIMEOUT,
  );

  it(
    'resumes the live list after its WebSocket drops: a change made while it was down reaches its row',
    async () => {
      const owner = await newAccount(t, 'console-resume');
      const sockets: WebSocketRoute[] = [];
      // While the connection is down, the console's attempts to reconnect are refused.
      let down = false;
      const page = await open(1440, (page) =>
        page.routeWebSocket(/\/graphql$/, (ws) => {
          if (down) return ws.close({ code: 1012, reason: 'down for the test' });
          ws.connectToServer();
          sockets.push(ws);
        }),
      );
      await logIn(page, owner);
      await page.getByRole('heading', { name: 'Invitations (0)' }).waitFor();
      await organizationWatched(t, owner.organizationId);
      // An event the console has seen: where its feed stands.
      const seen = await invite(t, owner);
      await rowOf(page, seen.email).waitFor();
      await markPage(page);

      down = true;
      for (const ws of sockets) await ws.close({ code: 1012, reason: 'cut for the test' });
      const cancel = await t.gql(
        Cancel,
        { input: { invitationId: seen.invitation.id, reason: 'Changed our minds.' } },
        { token: owner.token },
      );
      expect(cancel.data?.cancelInvitation?.__typename).toBe('CancelInvitationPayload');
      down = false;

      await expect(rowReads(page, seen.email, 'status', 'Cancelled')).resolves.toBe('Cancelled');
      expect(sockets.length).toBeGreaterThan(1);
      await expect(stillSamePage(page)).resolves.toBe(true);
    },
    TEST_TIMEOUT,
  );
});

describe('accessibility and widths', () => {
  it(
    'has no serious or critical axe violation on the console (log-in, invitations, dialog, statistics with its chart, members, settings, audit log) and the accept page, nor horizontal scrolling at 360 and 1440 px',
    async () => {
      const owner = await newAccount(t, 'console-axe');
      const { email, inviteUrl } = await invite(t, owner, { message: 'A long message '.repeat(20) });
      for (const width of [360, 1440]) {
        const page = await open(width);
        expect(await seriousViolations(page), `log-in page at ${width}px`).toEqual([]);
        expect(await noHorizontalScroll(page), `log-in page at ${width}px`).toBe(true);
        await logIn(page, owner);
        await rowReads(page, email, 'delivery', 'Sent');
        await page.locator('#invite-email').fill('not an email');
        await page.locator('#invite-email-error').waitFor();
        expect(await seriousViolations(page), `console at ${width}px`).toEqual([]);
        expect(await noHorizontalScroll(page), `console at ${width}px`).toBe(true);
        await page.getByRole('button', { name: `Cancel the invitation to ${email}` }).click();
        await page.getByRole('dialog').waitFor();
        expect(await seriousViolations(page), `cancel dialog at ${width}px`).toEqual([]);
        expect(await noHorizontalScroll(page), `cancel dialog at ${width}px`).toBe(true);
        await page.keyboard.press('Escape');
        for (const [section, ready] of [
          ['Statistics', page.getByRole('img', { name: /^By day/ })],
          ['Members', page.getByRole('heading', { name: 'Members (1)' })],
          ['Settings', page.getByLabel('Blocked email domains')],
          ['Audit log', page.locator('table.audit')],
        ] as const) {
          await page.getByRole('button', { name: section, exact: true }).click();
          await ready.waitFor();
          expect(await seriousViolations(page), `${section} at ${width}px`).toEqual([]);
          expect(await noHorizontalScroll(page), `${section} at ${width}px`).toBe(true);
        }

        await page.goto(inviteUrl);
        await page.getByRole('heading', { name: /^Join console-axe org/ }).waitFor();
        expect(await seriousViolations(page), `accept page at ${width}px`).toEqual([]);
        expect(await noHorizontalScroll(page), `accept page at ${width}px`).toBe(true);
      }
    },
    TEST_TIMEOUT,
  );
});
