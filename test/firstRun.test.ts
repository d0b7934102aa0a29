// `npm start` as a newcomer runs it: a real process on the embedded database, then its output used as told.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportPKCS8, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { anyOf, eventually } from './helpers/eventually.js';

const root = path.resolve(import.meta.dirname, '..');
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function start(env: Record<string, string>) {
  const { DATABASE_URL: _db, TEST_DATABASE_URL: _test, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Read again at each chunk of output and at exit.
  const output = () => new Promise((resolve) => child.stdout.once('data', resolve));
  const waitFor = async (pattern: RegExp) => {
    try {
      await eventually(
        async () => pattern.test(stdout) || child.exitCode !== null,
        (done) => done,
        anyOf([output, () => exited]),
        60_000,
      );
    } catch {}
    const match = pattern.exec(stdout);
    if (!match) throw new Error(`no ${pattern} in output:\n${stdout}\n${stderr}`);
    return match;
  };
  /** Resolves at the next chunk on stderr, for `eventually`. */
  const nextStderr = () => new Promise((resolve) => child.stderr.once('data', resolve));
  return { child, exited, waitFor, nextStderr, output: () => ({ stdout, stderr }) };
}

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const productionKey = await exportPKCS8(privateKey);

const viewerQuery = JSON.stringify({
  query: '{ viewer { user { email } memberships { role organization { name } } } }',
});

describe('first run on the embedded database', () => {
  it('prints the GraphiQL address and a demo account whose token and password work, and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'invitation-api-first-run-'));
    const first = start({ DATA_DIR: dataDir });
    const [, url] = await first.waitFor(/GraphiQL: open (http:\/\/\S+)\/graphql/);
    const [, email, password, token] = await first.waitFor(/email:\s+(\S+)\n\s+password:\s+(\S+)\n\s+token:\s+(\S+)/);

    const viewer = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: viewerQuery,
    });
    expect(await viewer.json()).toEqual({
      data: {
        viewer: {
          user: { email },
          memberships: [{ role: 'OWNER', organization: { name: 'Demo Organization' } }],
        },
      },
    });

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = start({ DATA_DIR: dataDir });
    const [, url2] = await second.waitFor(/GraphiQL: open (http:\/\/\S+)\/graphql/);
    const [, email2, password2] = await second.waitFor(/email:\s+(\S+)\n\s+password:\s+(\S+)\n\s+token:\s+(\S+)/);
    expect([email2, password2]).toEqual([email, password]);
    const login = await fetch(`${url2}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($input: LogInInput!) { logIn(input: $input) { __typename } }',
        variables: { input: { email, password } },
      }),
    });
    expect(await login.json()).toEqual({ data: { logIn: { __typename: 'AuthPayload' } } });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('prints each accept link on the console in development, and never in the log', async () => {
    // As `npm start` runs with nothing set (vitest's NODE_ENV=test would be inherited otherwise).
    const run = start({
      NODE_ENV: 'development',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'invitation-api-dev-mail-')),
      LOG_LEVEL: 'debug',
    });
    const [, url] = await run.waitFor(/GraphiQL: open (http:\/\/\S+)\/graphql/);
    const [, token] = await run.waitFor(/token:\s+(\S+)/);
    const ask = async <T>(query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data: T };
    };
    const viewer = await ask<{ viewer: { memberships: { organization: { id: string } }[] } }>(
      '{ viewer { memberships { organization { id } } } }',
    );
    const organizationId = viewer.data.viewer.memberships[0]?.organization.id;
    const sent = await ask<{ sendInvitation: { inviteUrl: string } }>(
      'mutation($input: SendInvitationInput!) { sendInvitation(input: $input) { ... on SendInvitationPayload { inviteUrl } } }',
      { input: { organizationId, email: 'newcomer@example.test', role: 'MEMBER' } },
    );
    const { inviteUrl } = sent.data.sendInvitation;
    // PORT=0: the default link follows the port actually bound, to the accept page this server serves.
    expect(inviteUrl.startsWith(`${url}/invite/`)).toBe(true);
    const [, link] = await run.waitFor(/Email to newcomer@example\.test \([^)]*\): (\S+)/);
    expect(link?.startsWith(`${inviteUrl}#proof=`)).toBe(true);
    // The log line is written first, but on the other pipe: it may arrive after the console's.
    const stderr = await eventually(
      async () => run.output().stderr,
      (text) => text.includes('email written'),
      anyOf([run.nextStderr, () => run.exited]),
    );
    expect(stderr).not.toContain(inviteUrl.split('/invite/')[1]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 120_000);

  it.each([
    ['a port that is not a number', { PORT: 'eighty' }, /PORT/],
    ['production without a signing key', { NODE_ENV: 'production' }, /JWT_PRIVATE_KEY/],
    [
      'production with the file mailer and a localhost accept link, not allowed explicitly',
      { NODE_ENV: 'production', JWT_PRIVATE_KEY: productionKey },
      /SMTP_URL: [^\n]*ALLOW_FILE_MAILER=true[^\n]*\n {2}INVITE_URL_TEMPLATE: [^\n]*ALLOW_LOCAL_INVITE_URL=true/,
    ],
    ['a malformed database URL', { DATABASE_URL: 'not a url' }, /DATABASE_URL/],
  ])(
    'exits with a readable message on %s',
    async (_label, env, pattern) => {
      const run = start({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'invitation-api-bad-config-')), ...env });
      expect(await run.exited).toBe(1);
      const { stderr } = run.output();
      expect(stderr).toMatch(/^Invalid configuration:/);
      expect(stderr).toMatch(pattern);
      expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
    },
    60_000,
  );
});
