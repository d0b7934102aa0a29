// GraphiQL in a real browser: the page the server serves at /graphql renders with no third-party
// requests, and a person can run a query, or follow a subscription, as themselves by putting their
// token in the Headers tab.
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './helpers/app.js';
import { invite } from './helpers/invitations.js';
import { newAccount } from './helpers/seed.js';

const t = useTestApp();

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWER_QUERY = '{ viewer { user { email } } }';
const TEST_TIMEOUT = 60_000;

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

interface GraphiQL {
  page: Page;
  /** Requests the page made to anywhere but this server; they are refused, never sent. */
  external: string[];
}

/** Opens GraphiQL in a fresh browser profile with `query` in the operation editor. */
async function openGraphiQL(query: string): Promise<GraphiQL> {
  const context = await browser.newContext();
  contexts.push(context);
  const origin = new URL(t.url).origin;
  const external: string[] = [];
  // The page must work with no network beyond this server (CI and developer machines have none).
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      external.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const response = await page.goto(`${t.url}/graphql?query=${encodeURIComponent(query)}`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toMatch(/^text\/html/);
  return { page, external };
}

/** Waits for GraphiQL's editors, after checking the page loaded nothing from elsewhere. */
async function rendered({ page, external }: GraphiQL) {
  expect(external, 'GraphiQL must not load anything from another origin').toEqual([]);
  await page.locator('.graphiql-container .graphiql-query-editor').first().waitFor();
  await page.locator('.graphiql-execute-button').waitFor();
}

/** Puts `headers` (JSON) into the Headers tab's editor, as a person would paste them. */
async function setHeaders(page: Page, headers: Record<string, string>) {
  await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
  const editor = page.locator('section.graphiql-editor-tool .graphiql-editor[data-mode-id="json"]:not(.hidden)');
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(JSON.stringify(headers));
}

/** The text a Monaco editor shows, with its non-breaking spaces and line breaks as single spaces. */
async function editorText(editor: Locator) {
  const text = await editor.locator('.view-lines').first().textContent();
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Clicks the run button and returns the result pane once it shows `expected`. */
async function runAndWaitFor(page: Page, expected: string) {
  await page.locator('.graphiql-execute-button').click();
  const result = page.getByLabel('Result Window');
  await result.getByText(expected).first().waitFor();
  return result;
}

describe('GraphiQL', () => {
  it(
    'renders at /graphql from the server alone, with the query from the URL in its editor',
    async () => {
      const graphiql = await openGraphiQL(VIEWER_QUERY);
      await rendered(graphiql);
      await expect(graphiql.page.title()).resolves.toBe('Invitation API');
      expect(await editorText(graphiql.page.locator('.graphiql-query-editor'))).toBe(VIEWER_QUERY);
    },
    TEST_TIMEOUT,
  );

  it(
    'runs a query as the account whose bearer token is in the Headers tab',
    async () => {
      const account = await newAccount(t, 'graphiql');
      const graphiql = await openGraphiQL(VIEWER_QUERY);
      await rendered(graphiql);
      await setHeaders(graphiql.page, { authorization: `Bearer ${account.token}` });

      const result = await runAndWaitFor(graphiql.page, account.email);
      const text = await editorText(result);
      expect(text).toContain(`"email": "${account.email}"`);
      expect(text).not.toContain('"errors"');
    },
    TEST_TIMEOUT,
  );

  it(
    'shows UNAUTHENTICATED for `viewer` when no token is given',
    async () => {
      const graphiql = await openGraphiQL(VIEWER_QUERY);
      await rendered(graphiql);
      const result = await runAndWaitFor(graphiql.page, 'UNAUTHENTICATED');
      const text = await editorText(result);
      expect(text).toContain('"viewer": null');
    },
    TEST_TIMEOUT,
  );

  it(
    'follows a subscription as the account whose token is in the Headers tab, receiving an invitation sent from elsewhere',
    async () => {
      const owner = await newAccount(t, 'graphiql-live');
      const subscription = `subscription { invitationEvents(organizationId: "${owner.organizationId}") { type invitation { email } } }`;
      const graphiql = await openGraphiQL(subscription);
      await rendered(graphiql);
      await setHeaders(graphiql.page, { authorization: `Bearer ${owner.token}` });

      // The subscription is open once the server has answered its request with the event stream.
      const streaming = graphiql.page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === '/graphql' &&
          (response.headers()['content-type'] ?? '').startsWith('text/event-stream'),
      );
      await graphiql.page.locator('.graphiql-execute-button').click();
      expect((await streaming).request().headers().authorization).toBe(`Bearer ${owner.token}`);

      const { email } = await invite(t, owner);
      const result = graphiql.page.getByLabel('Result Window');
      await result.getByText(email).first().waitFor();
      const text = await editorText(result);
      expect(text).toContain('"type": "CREATED"');
      expect(text).not.toContain('UNAUTHENTICATED');
    },
    TEST_TIMEOUT,
  );
});
