// A clean stop, in a real process sent real signals: requests in flight are answered and committed,
// subscriptions complete (SSE `complete`, graphql-ws 1001), exit code 0; `npm start` itself
// passes the signal on and leaves no process behind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { run, server } from './helpers/child.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'invitation-api-shutdown-'));

async function signedIn(started: ReturnType<typeof server>) {
  const [, url = ''] = await started.waitFor(/GraphiQL: open (http:\/\/\S+)\/graphql/);
  const [, token = ''] = await started.waitFor(/token:\s+(\S+)/);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { memberships { organization { id } } } }' }),
  });
  const body = (await response.json()) as { data: { viewer: { memberships: { organization: { id: string } }[] } } };
  return { url, token, organizationId: body.data.viewer.memberships[0]?.organization.id ?? '' };
}

/**
 * A POST whose body is held back after its first half until `finish()`: a request surely in
 * flight. It asks `Expect: 100-continue`, so `seen` resolves once the server has read its headers
 * (node answers 100 Continue then) and counts it as a request, not an idle connection.
 */
function heldRequest(url: string, token: string, body: string) {
  const { hostname, port } = new URL(url);
  const request = http.request({
    hostname,
    port,
    path: '/graphql',
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
    },
  });
  const half = Math.floor(body.length / 2);
  const seen = new Promise<void>((resolve) => {
    request.on('continue', () => {
      request.write(body.slice(0, half));
      resolve();
    });
  });
  request.flushHeaders();
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  return { answered, seen, finish: () => request.end(body.slice(half)) };
}

const sendMutation = (organizationId: string, email: string) =>
  JSON.stringify({
    query:
      'mutation($input: SendInvitationInput!) { sendInvitation(input: $input) { ... on SendInvitationPayload { invitation { id } } } }',
    variables: { input: { organizationId, email, role: 'MEMBER' } },
  });

describe.each([
  ['in-process events', {}],
  ['Redis events', { REDIS_URL: 'redis://127.0.0.1:6379' }],
])('SIGTERM with %s', (_label, env: Record<string, string>) => {
  it('answers and commits the sends in flight, completes SSE and graphql-ws subscriptions, exits 0', async () => {
    const dir = dataDir();
    const started = server({ DATA_DIR: dir, LOG_LEVEL: 'info', ...env });
    const { url, token, organizationId } = await signedIn(started);
    const subscription = `subscription { invitationEvents(organizationId: "${organizationId}") { type } }`;

    // An SSE subscription, read to its end.
    const sse = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: subscription }),
    });
    const sseText = sse.text();

    // A graphql-ws subscription; its close code is what counts.
    const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
      );
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type !== 'connection_ack') return;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: subscription } }));
        resolve();
      });
    });

    const sends = Array.from({ length: 5 }, (_, i) =>
      heldRequest(url, token, sendMutation(organizationId, `drain${i}@example.test`)),
    );
    await Promise.all(sends.map((send) => send.seen));
    started.child.kill('SIGTERM');
    await started.waitFor(/SIGTERM received/);
    const ready = await fetch(`${url}/ready`).then(
      (response) => response.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(ready);
    for (const send of sends) send.finish();

    const answers = await Promise.all(sends.map((send) => send.answered)).catch((error) => {
      throw new Error(`${error}\n${started.output().stderr}`);
    });
    const ids = answers.map((answer) => {
      expect(answer.status).toBe(200);
      return (JSON.parse(answer.body) as { data: { sendInvitation: { invitation: { id: string } } } }).data
        .sendInvitation.invitation.id;
    });
    expect(new Set(ids).size).toBe(5);
    expect(await sseText).toMatch(/event: complete/);
    expect(await closed).toBe(1001);
    expect(await started.exited).toBe(0);
    expect(started.output().stderr).not.toMatch(/Connection is closed|\n\s+at /);

    const db = new PGlite(dir);
    const { rows } = await db.query<{ count: number }>(
      "select count(*)::int as count from invitations where email like 'drain%@example.test'",
    );
    await db.close();
    expect(rows[0]?.count).toBe(5);
  }, 180_000);
});

describe('npm start', () => {
  it('passes SIGTERM to the server: the port closes and no process is left', async () => {
    const started = run(['npm', 'start', '--silent'], { DATA_DIR: dataDir(), LOG_LEVEL: 'info' });
    const [, url] = await started.waitFor(/Invitation API on (http:\/\/\S+)\/graphql/);
    const npmPid = started.child.pid ?? 0;
    const children = execFileSync('pgrep', ['-P', String(npmPid)])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
    expect(children.length).toBeGreaterThan(0);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    const alive = children.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 180_000);
});
