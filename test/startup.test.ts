// Start-up that explains itself: each refusal is one line naming the setting and what to do, exit
// code 1 and no stack trace; the embedded database is held by one process at a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { refusal, server, worker } from './helpers/child.js';
import { isolatedDatabase } from './helpers/db.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'invitation-api-startup-'));
const newKey = async () => exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
const testUrl = process.env.TEST_DATABASE_URL;
/** A PostgreSQL server to name a missing database on: the test one, else the machine's own. */
const serverUrl = testUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function refused(run: ReturnType<typeof server>) {
  expect(await run.exited).toBe(1);
  const { stderr } = run.output();
  expect(stderr).not.toMatch(/\n\s+at /);
  return refusal(stderr);
}

describe('start-up refusals', () => {
  it('a signing key that is no key names JWT_PRIVATE_KEY', async () => {
    const lines = await refused(server({ DATA_DIR: dataDir(), JWT_PRIVATE_KEY: 'garbage' }));
    expect(lines).toMatch(
      /^Invalid configuration:\n {2}JWT_PRIVATE_KEY: not a PEM ES256 \(P-256\) private key; make one with/,
    );
  }, 60_000);

  it('production without DATABASE_URL is refused unless the embedded database is allowed', async () => {
    const lines = await refused(
      server({
        DATA_DIR: dataDir(),
        NODE_ENV: 'production',
        JWT_PRIVATE_KEY: await newKey(),
        SMTP_URL: 'smtp://mail.example:587',
        INVITE_URL_TEMPLATE: 'https://invitations.example.com/invite/{token}',
      }),
    );
    expect(lines).toMatch(
      /^Invalid configuration:\n {2}DATABASE_URL: required in production.*ALLOW_EMBEDDED_DATABASE=true/,
    );
  }, 60_000);

  it('an unreachable Redis is waited for, then named once', async () => {
    const run = server({ DATA_DIR: dataDir(), REDIS_URL: 'redis://127.0.0.1:1', STARTUP_TIMEOUT_MS: '1000' });
    const lines = await refused(run);
    expect(lines).toMatch(
      /^REDIS_URL: no Redis answered at 127\.0\.0\.1:1 within 1000 ms \([^)]*ECONNREFUSED[^)]*\); start it/,
    );
    expect(lines.split('\n')).toHaveLength(1);
    expect(run.output().stderr).toMatch(/WARN waiting for Redis at 127\.0\.0\.1:1/);
    expect(run.output().stderr).not.toMatch(/Unhandled error event/);
  }, 60_000);

  it('an unreachable PostgreSQL is waited for, then named once', async () => {
    const run = server({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing_test', STARTUP_TIMEOUT_MS: '1000' });
    const lines = await refused(run);
    expect(lines).toMatch(/^DATABASE_URL: no PostgreSQL answered at 127\.0\.0\.1:1 within 1000 ms .*ECONNREFUSED/);
    expect(lines.split('\n')).toHaveLength(1);
    expect(run.output().stderr).toMatch(/WARN waiting for PostgreSQL at 127\.0\.0\.1:1/);
  }, 60_000);

  it('a database that does not exist is named at once', async () => {
    const missing = new URL(serverUrl);
    missing.pathname = '/ops_life_missing_test';
    const lines = await refused(server({ DATABASE_URL: missing.toString() }));
    expect(lines).toBe(
      'DATABASE_URL: database "ops_life_missing_test" does not exist on 127.0.0.1:5432; create it (createdb ops_life_missing_test) or point DATABASE_URL at one that does',
    );
  }, 60_000);

  it('a port in use is named once', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const lines = await refused(server({ DATA_DIR: dataDir(), PORT: String(port) }));
      expect(lines).toBe(
        `PORT: ${port} on 127.0.0.1 is already in use (another server running?); stop what holds it, or set PORT to a free port`,
      );
    } finally {
      holder.close();
    }
  }, 90_000);
});

describe('the embedded database belongs to one process', () => {
  it('refuses a second server on the same DATA_DIR, naming the first; a dead holder’s lock is taken over', async () => {
    const dir = dataDir();
    // A lock left by a process that is gone (its pid is free now).
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(dir, 'server.pid'), `${gone}\n`);
    const first = server({ DATA_DIR: dir });
    await first.waitFor(/Invitation API on http/);

    const second = server({ DATA_DIR: dir });
    expect(await refused(second)).toBe(
      `DATA_DIR: ${dir} is in use by process ${first.child.pid} (another server on this embedded database); stop it, or set DATA_DIR to another directory`,
    );

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const third = server({ DATA_DIR: dir });
    await third.waitFor(/Invitation API on http/);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 180_000);
});

// Two processes share the database here, which an in-memory PGlite cannot be: PostgreSQL runs only.
describe.runIf(testUrl)('a separate worker must match the API', () => {
  it('refuses another key, or another event bus, than the API started with', async () => {
    const isolated = await isolatedDatabase();
    await isolated.database.close();
    const url = isolated.url ?? '';
    const key = await newKey();
    const redis = 'redis://127.0.0.1:6379';
    try {
      const api = server({ DATABASE_URL: url, JWT_PRIVATE_KEY: key, REDIS_URL: redis, WORKER_ENABLED: 'false' });
      await api.waitFor(/Invitation API on http/);
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);

      expect(await refused(worker({ DATABASE_URL: url, JWT_PRIVATE_KEY: await newKey(), REDIS_URL: redis }))).toMatch(
        /^JWT_PRIVATE_KEY: differs from the API's .*; give the worker the same JWT_PRIVATE_KEY as the API$/,
      );
      expect(await refused(worker({ DATABASE_URL: url, JWT_PRIVATE_KEY: key }))).toMatch(
        /^REDIS_URL: the API publishes events through Redis but this worker has no REDIS_URL .*; set REDIS_URL to the API's Redis$/,
      );
      const matching = worker({ DATABASE_URL: url, JWT_PRIVATE_KEY: key, REDIS_URL: redis, LOG_LEVEL: 'info' });
      await matching.waitFor(/delivery worker started/);
      matching.child.kill('SIGTERM');
      expect(await matching.exited).toBe(0);
    } finally {
      await isolated.drop();
    }
  }, 180_000);
});
