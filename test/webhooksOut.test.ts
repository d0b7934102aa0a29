// Webhooks out against real local receivers (node:http): every event arrives signed, verified by
// the `standardwebhooks` package; in order per invitation by the documented sequence; nothing is
// lost while a receiver is down or a worker is killed mid-request; a hanging receiver holds up
// no one else; disabling after the window (the injected clock advanced), redelivery, refused
// addresses at creation and at connect, and the refusals other organisations, members and
// link holders meet.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, invitations, webhookDeliveries, webhookEndpoints } from '../src/db/schema/index.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { addressRefusal } from '../src/webhooks/addresses.js';
import { post } from '../src/webhooks/http.js';
import { retryDelayMs } from '../src/webhooks/schedule.js';
import { urlRefusal } from '../src/webhooks/urls.js';
import { graphql } from './generated/index.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { killChildren, worker as workerProcess } from './helpers/child.js';
import { isolatedDatabase } from './helpers/db.js';
import { anyOf, changeSignal, eventually } from './helpers/eventually.js';
import { invite, proofOf, tokenOf } from './helpers/invitations.js';
import { type Account, newAccount, newMember } from './helpers/seed.js';

const CreateEndpoint = graphql(`
  mutation HooksCreate($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      __typename
      ... on CreateWebhookEndpointPayload { secret endpoint { id url enabled eventTypes } }
      ... on UserError { code message }
    }
  }
`);

const UpdateEndpoint = graphql(`
  mutation HooksUpdate($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) {
      __typename
      ... on UpdateWebhookEndpointPayload { endpoint { id url enabled eventTypes description } }
      ... on UserError { code message }
    }
  }
`);

const RotateSecret = graphql(`
  mutation HooksRotate($input: RotateWebhookEndpointSecretInput!) {
    rotateWebhookEndpointSecret(input: $input) {
      __typename
      ... on RotateWebhookEndpointSecretPayload { secret }
      ... on UserError { code message }
    }
  }
`);

const DeleteEndpoint = graphql(`
  mutation HooksDelete($input: DeleteWebhookEndpointInput!) {
    deleteWebhookEndpoint(input: $input) {
      __typename
      ... on DeleteWebhookEndpointPayload { deletedEndpointId }
      ... on UserError { code message }
    }
  }
`);

const Redeliver = graphql(`
  mutation HooksRedeliver($input: RedeliverWebhookInput!) {
    redeliverWebhook(input: $input) {
      __typename
      ... on RedeliverWebhookPayload { delivery { id state } }
      ... on UserError { code message }
    }
  }
`);

const Endpoints = graphql(`
  query HooksEndpoints($id: ID!) {
    organization(id: $id) {
      webhookEndpoints {
        id
        url
        enabled
        disabledAt
        disabledReason
        deliveries(first: 50) {
          id
          state
          tries
          message { id type sequence }
          attempts { outcome statusCode durationMs error responseExcerpt createdAt }
        }
      }
    }
  }
`);

const Cancel = graphql(`
  mutation HooksCancel($input: CancelInvitationInput!) {
    cancelInvitation(input: $input) { __typename }
  }
`);

const Resend = graphql(`
  mutation HooksResend($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      __typename
      ... on ResendInvitationPayload { inviteUrl }
    }
  }
`);

const Accept = graphql(`
  mutation HooksAccept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) { __typename }
  }
`);

const Decline = graphql(`
  mutation HooksDecline($input: DeclineInvitationInput!) {
    declineInvitation(input: $input) { __typename }
  }
`);

const UpdateRole = graphql(`
  mutation HooksRole($input: UpdateMemberRoleInput!) {
    updateMemberRole(input: $input) { __typename }
  }
`);

const RemoveMember = graphql(`
  mutation HooksRemove($input: RemoveMemberInput!) {
    removeMember(input: $input) { __typename }
  }
`);

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Answer = (request: Received, nth: number) => number | 'hang';

/** A local receiver: answers each request as `answer` says, and records it. */
async function receiver(answer: Answer, port = 0) {
  const received: Received[] = [];
  const changed = changeSignal();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers as Record<string, string>, body };
      received.push(request);
      changed.notify();
      const status = answer(request, received.length);
      if (status === 'hang') return;
      // A redirect points back here: a sender that followed it would be seen asking for /elsewhere.
      const location = status >= 300 && status < 400 ? { location: '/elsewhere' } : {};
      res
        .writeHead(status, { 'content-type': 'text/plain', ...location })
        .end(`answer ${status} ${'x'.repeat(10_000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/hook`,
    received,
    changed: () => changed.next(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Receiver = Awaited<ReturnType<typeof receiver>>;

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = await receiver(() => 200);
  await probe.close();
  return probe.port;
}

/** The payloads a receiver got, verified with the secret by the standardwebhooks package. */
const verified = (r: Receiver, secret: string) =>
  r.received.map((request) => new Webhook(secret).verify(request.body, request.headers) as WebhookBody);

/**
 * The same package's signature check with its clock check left out: for the tests that move the
 * app's injected clock days ahead, whose signatures carry that clock's time.
 */
function signatureOnly(secret: string): Webhook {
  const webhook = new Webhook(secret);
  Object.assign(webhook, { verifyTimestamp: (header: string) => new Date(Number(header) * 1000) });
  return webhook;
}

interface WebhookBody {
  type: string;
  timestamp: string;
  data: {
    sequence: number;
    invitationId?: string;
    timelineSequence?: number;
    deliveryStatus?: string;
    userId?: string;
  };
}

let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp & { stop(): Promise<void> };
let dataDir: string;
const receivers: Receiver[] = [];

const webhookEnv = {
  ALLOW_LOCAL_WEBHOOK_URLS: 'true',
  WEBHOOK_RETRY_SCHEDULE_SECONDS: '60,120,240,480',
  WEBHOOK_TIMEOUT_MS: '20000',
  WEBHOOK_CONNECT_TIMEOUT_MS: '2000',
  WEBHOOK_DISABLE_AFTER_HOURS: '72',
  DELIVERY_POLL_MS: '50',
  INVITATION_RATE_LIMIT_HOUR: '10000',
  INVITATION_RATE_LIMIT_DAY: '10000',
  INVITATION_RATE_LIMIT_WEEK: '10000',
};

beforeAll(async () => {
  isolated = await isolatedDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'invitation-api-hooks-'));
  t = await startTestApp({ ...webhookEnv, DATA_DIR: dataDir, WORKER_ENABLED: 'true' }, { database: isolated.database });
}, 60_000);

afterAll(async () => {
  for (const r of receivers) await r.close();
  await t?.stop();
  await isolated?.drop();
});

async function started(answer: Answer, port?: number) {
  const r = await receiver(answer, port);
  receivers.push(r);
  return r;
}

async function createEndpoint(owner: Account, url: string, eventTypes?: string[]) {
  const result = await t.gql(
    CreateEndpoint,
    // biome-ignore lint/suspicious/noExplicitAny: event type names as the test writes them
    { input: { organizationId: owner.organizationId, url, eventTypes: eventTypes as any } },
    { token: owner.token },
  );
  const payload = result.data?.createWebhookEndpoint;
  if (payload?.__typename !== 'CreateWebhookEndpointPayload') expect.fail(`create failed: ${JSON.stringify(result)}`);
  return payload;
}

const endpointsOf = async (owner: Account) =>
  (await t.gql(Endpoints, { id: owner.organizationId }, { token: owner.token })).data?.organization?.webhookEndpoints ??
  [];

const until = (r: Receiver, count: number, timeoutMs = 15_000) =>
  eventually(
    async () => r.received.length,
    (n) => n >= count,
    r.changed,
    timeoutMs,
  );

const workerPass = () => {
  if (!t.app.worker) throw new Error('no worker');
  return t.app.worker.nextPass();
};

describe('managing endpoints', () => {
  it('shows the secret once, as whsec_ and base64 of at least 24 bytes, and a rotation replaces it', async () => {
    const owner = await newAccount(t, 'hooks-manage');
    const ok = await started(() => 200);
    const created = await createEndpoint(owner, ok.url, ['INVITATION_CREATED']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const stored = await t.app.database.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, decodeGlobalID(created.endpoint.id).id));
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(6));

    const rotated = await t.gql(RotateSecret, { input: { endpointId: created.endpoint.id } }, { token: owner.token });
    const secret =
      rotated.data?.rotateWebhookEndpointSecret?.__typename === 'RotateWebhookEndpointSecretPayload'
        ? rotated.data.rotateWebhookEndpointSecret.secret
        : expect.fail(JSON.stringify(rotated));
    expect(secret).not.toBe(created.secret);
    await invite(t, owner);
    await until(ok, 1);
    expect(verified(ok, secret)[0]?.type).toBe('invitation.created');
    expect(() => verified(ok, created.secret)).toThrow();

    const updated = await t.gql(
      UpdateEndpoint,
      { input: { endpointId: created.endpoint.id, description: 'CRM', eventTypes: [] } },
      { token: owner.token },
    );
    expect(updated.data?.updateWebhookEndpoint).toMatchObject({ endpoint: { description: 'CRM', eventTypes: [] } });
    const deleted = await t.gql(DeleteEndpoint, { input: { endpointId: created.endpoint.id } }, { token: owner.token });
    expect(deleted.data?.deleteWebhookEndpoint?.__typename, JSON.stringify(deleted)).toBe(
      'DeleteWebhookEndpointPayload',
    );
    expect(await endpointsOf(owner)).toEqual([]);
  });

  it('refuses loopback when local addresses are not allowed, metadata and names resolving to loopback always', async () => {
    const rules = { allowLocal: false, httpsOnly: true };
    expect((await urlRefusal('https://127.0.0.1/hook', rules))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await urlRefusal('https://localhost/hook', rules))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await urlRefusal('https://[::ffff:127.0.0.1]/hook', rules))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await urlRefusal('https://10.1.2.3/hook', rules))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await urlRefusal('https://100.64.0.1/hook', rules))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await urlRefusal('https://[fd12::1]/hook', rules))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await urlRefusal('http://93.184.215.14/hook', rules))?.message).toMatch(/https/);
    expect(await urlRefusal('https://93.184.215.14/hook', rules)).toBeUndefined();
    const local = { allowLocal: true, httpsOnly: false };
    expect(await urlRefusal('http://127.0.0.1/hook', local)).toBeUndefined();
    expect((await urlRefusal('http://169.254.169.254/latest', local))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await urlRefusal('http://[fd00:ec2::254]/', local))?.code).toBe('WEBHOOK_URL_REFUSED');
    expect(addressRefusal('0.0.0.0', local)).toBeDefined();
    expect(addressRefusal('224.0.0.1', local)).toBeDefined();
  });

  it('refuses at connect time, on the resolved address, what DNS gives for a name', async () => {
    const ok = await started(() => 200);
    const limits = { allowLocal: false, connectTimeoutMs: 1000, timeoutMs: 2000, excerptBytes: 100 };
    const byName = await post(new URL(`http://localhost:${ok.port}/hook`), {}, '{}', limits);
    expect(byName).toMatchObject({ answered: false, refused: true });
    const byAddress = await post(new URL(`http://127.0.0.1:${ok.port}/hook`), {}, '{}', limits);
    expect(byAddress).toMatchObject({ answered: false, refused: true });
    const metadata = await post(new URL('http://169.254.169.254/'), {}, '{}', { ...limits, allowLocal: true });
    expect(metadata).toMatchObject({ answered: false, refused: true });
    expect(ok.received).toHaveLength(0);
    const allowed = await post(new URL(`http://localhost:${ok.port}/hook`), {}, '{}', { ...limits, allowLocal: true });
    expect(allowed).toMatchObject({ answered: true, status: 200 });
    if (allowed.answered) expect(allowed.excerpt.length).toBeLessThanOrEqual(100);
  });

  it('answers typed refusals to a metadata URL and past the endpoint limit, and saves nothing', async () => {
    const owner = await newAccount(t, 'hooks-refused');
    const result = await t.gql(
      CreateEndpoint,
      { input: { organizationId: owner.organizationId, url: 'http://169.254.169.254/latest/meta-data' } },
      { token: owner.token },
    );
    expect(result.data?.createWebhookEndpoint).toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
    const notUrl = await t.gql(
      CreateEndpoint,
      { input: { organizationId: owner.organizationId, url: 'not a url' } },
      { token: owner.token },
    );
    expect(notUrl.data?.createWebhookEndpoint).toMatchObject({ code: 'INVALID_INPUT' });
    const unknownType = await t.gql(
      CreateEndpoint,
      // biome-ignore lint/suspicious/noExplicitAny: a type the enum does not have
      { input: { organizationId: owner.organizationId, url: 'http://127.0.0.1:1/x', eventTypes: ['NOPE' as any] } },
      { token: owner.token },
    );
    expect(unknownType.errors?.[0]?.message).toMatch(/NOPE/);
    expect(await endpointsOf(owner)).toEqual([]);
    for (let i = 0; i < 20; i++) await createEndpoint(owner, `http://127.0.0.1:1/${i}`);
    const tooMany = await t.gql(
      CreateEndpoint,
      { input: { organizationId: owner.organizationId, url: 'http://127.0.0.1:1/21' } },
      { token: owner.token },
    );
    expect(tooMany.data?.createWebhookEndpoint).toMatchObject({ code: 'TOO_MANY_WEBHOOK_ENDPOINTS' });
    expect(await endpointsOf(owner)).toHaveLength(20);
  });

  it('answers another organization’s endpoint as missing, a member with a typed refusal, and changes nothing', async () => {
    const owner = await newAccount(t, 'hooks-victim');
    const other = await newAccount(t, 'hooks-attacker');
    const member = await newMember(t, owner, 'MEMBER');
    const ok = await started(() => 200);
    const { endpoint } = await createEndpoint(owner, ok.url);
    for (const [who, code] of [
      [other, 'NOT_FOUND'],
      [member, 'ROLE_NOT_ALLOWED'],
    ] as const) {
      const update = await t.gql(
        UpdateEndpoint,
        { input: { endpointId: endpoint.id, url: 'http://127.0.0.1:1/stolen' } },
        { token: who.token },
      );
      expect(update.data?.updateWebhookEndpoint).toMatchObject({ code });
      const rotate = await t.gql(RotateSecret, { input: { endpointId: endpoint.id } }, { token: who.token });
      expect(rotate.data?.rotateWebhookEndpointSecret).toMatchObject({ code });
      const remove = await t.gql(DeleteEndpoint, { input: { endpointId: endpoint.id } }, { token: who.token });
      expect(remove.data?.deleteWebhookEndpoint).toMatchObject({ code });
      const create = await t.gql(
        CreateEndpoint,
        { input: { organizationId: owner.organizationId, url: 'http://127.0.0.1:1/theirs' } },
        { token: who.token },
      );
      expect(create.data?.createWebhookEndpoint).toMatchObject({ code: who === other ? 'NOT_FOUND' : code });
    }
    const asMember = await t.gql(Endpoints, { id: owner.organizationId }, { token: member.token });
    expect(asMember.data?.organization?.webhookEndpoints).toBeNull();
    // An invitee holding only the link (no account) cannot manage anything.
    const { token } = await invite(t, owner);
    const asLinkHolder = await t.gql(
      CreateEndpoint,
      { input: { organizationId: owner.organizationId, url: 'http://127.0.0.1:1/link' } },
      { token },
    );
    expect(asLinkHolder.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await until(ok, 1);
    const delivery = (await endpointsOf(owner))[0]?.deliveries[0];
    const redeliver = await t.gql(Redeliver, { input: { deliveryId: delivery?.id ?? '' } }, { token: other.token });
    expect(redeliver.data?.redeliverWebhook).toMatchObject({ code: 'NOT_FOUND' });
    expect(await endpointsOf(owner)).toMatchObject([{ url: ok.url, enabled: true }]);
  });
});

describe('delivering', () => {
  it('sends every event signed, in order per invitation by sequence, and member changes too', async () => {
    const owner = await newAccount(t, 'hooks-events');
    const admin = await newMember(t, owner, 'ADMIN');
    const ok = await started(() => 200);
    const { secret } = await createEndpoint(owner, ok.url);
    const sent = await invite(t, owner);
    await eventually(
      async () => verified(ok, secret).filter((b) => b.data.deliveryStatus === 'SENT').length,
      (n) => n >= 1,
      anyOf([ok.changed, workerPass]),
    );
    await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    await t.gql(
      UpdateRole,
      { input: { organizationId: owner.organizationId, userId: admin.userId, role: 'MEMBER' } },
      { token: owner.token },
    );
    await t.gql(
      RemoveMember,
      { input: { organizationId: owner.organizationId, userId: admin.userId } },
      { token: owner.token },
    );
    // Up to two requests are in flight per endpoint, so the last three may arrive in any order.
    await eventually(
      async () => verified(ok, secret).map((b) => b.type),
      (types) =>
        ['invitation.cancelled', 'member.role_changed', 'member.removed'].every((type) => types.includes(type)),
      ok.changed,
    );
    const bodies = verified(ok, secret).sort((a, b) => a.data.sequence - b.data.sequence);
    expect(new Set(bodies.map((b) => b.data.sequence)).size).toBe(bodies.length);
    const invitationId = decodeGlobalID(sent.invitation.id).id;
    const ofInvitation = bodies.filter((b) => b.data.invitationId === invitationId);
    expect(ofInvitation.map((b) => [b.type, b.data.deliveryStatus])).toEqual([
      ['invitation.created', 'VALIDATING'],
      ['invitation.delivery_status_changed', 'SENDING'],
      ['invitation.delivery_status_changed', 'SENT'],
      ['invitation.cancelled', 'SENT'],
    ]);
    // The timeline's order and the message sequence agree.
    const timeline = ofInvitation.map((b) => b.data.timelineSequence ?? 0);
    expect([...timeline].sort((a, b) => a - b)).toEqual(timeline);
    expect(bodies.filter((b) => b.type.startsWith('member.')).map((b) => [b.type, b.data.userId])).toEqual([
      ['member.role_changed', admin.raw.userId],
      ['member.removed', admin.raw.userId],
    ]);
    const headers = ok.received[0]?.headers ?? {};
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(headers['content-type']).toBe('application/json');
  });

  it('sends the invitee’s side too: resent, accepted with the member who joined, declined, expired', async () => {
    const owner = await newAccount(t, 'hooks-answers');
    const ok = await started(() => 200);
    const { secret } = await createEndpoint(owner, ok.url);
    const accepted = await invite(t, owner);
    const declined = await invite(t, owner);
    const lapsing = await invite(t, owner);
    t.clock.advance(61); // past RESEND_COOLDOWN_SECONDS
    const resend = (await t.gql(Resend, { input: { invitationId: accepted.invitation.id } }, { token: owner.token }))
      .data?.resendInvitation;
    if (resend?.__typename !== 'ResendInvitationPayload' || !resend.inviteUrl) expect.fail(JSON.stringify(resend));
    const token = tokenOf(resend.inviteUrl);
    const joined = await t.gql(Accept, {
      input: { token, proof: await proofOf(t, token), name: 'Joiner', password: 'correct horse battery staple' },
    });
    expect(joined.data?.acceptInvitation?.__typename).toBe('AcceptInvitationPayload');
    const refused = await t.gql(Decline, { input: { token: declined.token, reason: 'not for me' } });
    expect(refused.data?.declineInvitation?.__typename).toBe('DeclineInvitationPayload');
    // Past its expiry, the address invited again: the old one is recorded EXPIRED first.
    await t.app.database.db
      .update(invitations)
      .set({ expiresAt: new Date(t.clock.now().getTime() - 1000) })
      .where(eq(invitations.id, decodeGlobalID(lapsing.invitation.id).id));
    await invite(t, owner, { email: lapsing.email });
    const wanted = [
      ['invitation.resent', accepted],
      ['invitation.accepted', accepted],
      ['member.joined', accepted],
      ['invitation.declined', declined],
      ['invitation.expired', lapsing],
    ] as const;
    const arrived = () => verified(ok, secret).map((b) => [b.type, b.data.invitationId] as const);
    await eventually(
      async () => arrived(),
      (seen) =>
        wanted.every(([type, sent]) =>
          seen.some(([t2, id]) => t2 === type && id === decodeGlobalID(sent.invitation.id).id),
        ),
      anyOf([ok.changed, workerPass]),
    );
    const joinedBody = verified(ok, secret).find((b) => b.type === 'member.joined');
    expect(joinedBody?.data).toMatchObject({ role: 'MEMBER', invitationId: decodeGlobalID(accepted.invitation.id).id });
    expect(typeof joinedBody?.data.userId).toBe('string');
  });

  it('only sends the event types an endpoint asked for', async () => {
    const owner = await newAccount(t, 'hooks-filter');
    const all = await started(() => 200);
    const some = await started(() => 200);
    await createEndpoint(owner, all.url);
    const { secret } = await createEndpoint(owner, some.url, ['INVITATION_CANCELLED']);
    const sent = await invite(t, owner);
    await t.gql(Cancel, { input: { invitationId: sent.invitation.id } }, { token: owner.token });
    await eventually(
      async () => all.received.map((r) => JSON.parse(r.body).type),
      (types) => types.includes('invitation.cancelled'),
      all.changed,
    );
    await until(some, 1);
    expect(verified(some, secret).map((b) => b.type)).toEqual(['invitation.cancelled']);
  });

  it('retries a 500 with the same webhook-id until the 200, and keeps each attempt readable', async () => {
    const owner = await newAccount(t, 'hooks-flaky');
    const flaky = await started((_r, nth) => (nth === 1 ? 500 : 200));
    const { secret } = await createEndpoint(owner, flaky.url, ['INVITATION_CREATED']);
    await invite(t, owner);
    await until(flaky, 1);
    await eventually(
      async () => (await endpointsOf(owner))[0]?.deliveries[0]?.state,
      (state) => state === 'RETRY',
      workerPass,
    );
    // The first retry waits 60 s (±20 %): move the app's clock past it.
    t.clock.advance(75);
    await until(flaky, 2);
    const [first, second] = flaky.received.map((r) => r.headers['webhook-id']);
    expect(second).toBe(first);
    for (const request of flaky.received) signatureOnly(secret).verify(request.body, request.headers);
    const delivery = await eventually(
      async () => (await endpointsOf(owner))[0]?.deliveries[0],
      (d) => d?.state === 'SUCCEEDED',
      workerPass,
    );
    expect(delivery?.attempts).toMatchObject([
      { outcome: 'FAILED', statusCode: 500, error: 'HTTP 500' },
      { outcome: 'SUCCEEDED', statusCode: 200, error: null },
    ]);
    expect(delivery?.attempts[0]?.responseExcerpt?.length).toBe(4096);
    expect(delivery?.attempts[0]?.responseExcerpt).toMatch(/^answer 500/);
  });

  it('follows no redirect: a 307 is a failed attempt, retried later at the same URL', async () => {
    const owner = await newAccount(t, 'hooks-redirect');
    const moved = await started(() => 307);
    await createEndpoint(owner, moved.url, ['INVITATION_CREATED']);
    await invite(t, owner);
    const delivery = await eventually(
      async () => (await endpointsOf(owner))[0]?.deliveries[0],
      (d) => d?.state === 'RETRY',
      workerPass,
    );
    expect(delivery?.attempts).toMatchObject([
      { outcome: 'FAILED', statusCode: 307, error: 'HTTP 307 (redirects are not followed)' },
    ]);
    await workerPass();
    expect(moved.received.map((r) => r.path)).toEqual(['/hook']);
  });

  it('does not let a hanging receiver delay another endpoint', async () => {
    const owner = await newAccount(t, 'hooks-hang');
    const hang = await started(() => 'hang');
    const ok = await started(() => 200);
    await createEndpoint(owner, hang.url, ['INVITATION_CREATED']);
    await createEndpoint(owner, ok.url, ['INVITATION_CREATED']);
    for (let i = 0; i < 6; i++) await invite(t, owner);
    await until(ok, 6);
    // At most two requests in flight to the hanging endpoint.
    expect(hang.received.length).toBeLessThanOrEqual(2);
    await hang.close();
  });

  it('redelivers a delivery on request: a new attempt, the same webhook-id', async () => {
    const owner = await newAccount(t, 'hooks-redeliver');
    const ok = await started(() => 200);
    const { secret } = await createEndpoint(owner, ok.url, ['INVITATION_CREATED']);
    await invite(t, owner);
    await until(ok, 1);
    const delivery = await eventually(
      async () => (await endpointsOf(owner))[0]?.deliveries[0],
      (d) => d?.state === 'SUCCEEDED',
      workerPass,
    );
    const result = await t.gql(Redeliver, { input: { deliveryId: delivery?.id ?? '' } }, { token: owner.token });
    // Queued again at once; the worker may have claimed it before the answer was read.
    expect(result.data?.redeliverWebhook?.__typename).toBe('RedeliverWebhookPayload');
    await until(ok, 2);
    const [first, second] = verified(ok, secret).map((b) => b.data.sequence);
    expect(second).toBe(first);
    expect(ok.received[1]?.headers['webhook-id']).toBe(ok.received[0]?.headers['webhook-id']);
  });

  it('loses nothing while a receiver is down, and sends it all once the receiver is back', async () => {
    const owner = await newAccount(t, 'hooks-down');
    const port = await freePort();
    const { secret } = await createEndpoint(owner, `http://127.0.0.1:${port}/hook`, ['INVITATION_CREATED']);
    for (let i = 0; i < 3; i++) await invite(t, owner);
    await eventually(
      async () => (await endpointsOf(owner))[0]?.deliveries.map((d) => d.state),
      (states) => states?.length === 3 && states.every((s) => s === 'RETRY'),
      workerPass,
    );
    const attempt = (await endpointsOf(owner))[0]?.deliveries[0]?.attempts[0];
    expect(attempt).toMatchObject({ outcome: 'ERROR', statusCode: null });
    expect(attempt?.error).toMatch(/ECONNREFUSED/);
    const back = await started(() => 200, port);
    t.clock.advance(75);
    await until(back, 3);
    expect(new Set(back.received.map((r) => r.headers['webhook-id'])).size).toBe(3);
    for (const request of back.received) signatureOnly(secret).verify(request.body, request.headers);
  });

  it('disables an endpoint that has failed for WEBHOOK_DISABLE_AFTER_HOURS, with an audit entry and an event', async () => {
    const owner = await newAccount(t, 'hooks-disable');
    const failing = await started(() => 503);
    const watcher = await started(() => 200);
    const { endpoint } = await createEndpoint(owner, failing.url, ['INVITATION_CREATED']);
    const { secret } = await createEndpoint(owner, watcher.url, ['WEBHOOK_ENDPOINT_DISABLED']);
    await invite(t, owner);
    await invite(t, owner);
    await until(failing, 2);
    const rawId = decodeGlobalID(endpoint.id).id;
    const deliveriesOf = () =>
      t.app.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, rawId));
    await eventually(
      async () => (await deliveriesOf()).map((d) => d.state),
      (states) => states.length === 2 && states.every((s) => s === 'RETRY'),
      workerPass,
    );
    // Past the window (the owner's session expires too: read the rows themselves from here on).
    t.clock.advance(73 * 3600);
    await until(failing, 3);
    const [disabled] = await eventually(
      () => t.app.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, rawId)),
      ([e]) => e?.enabled === false,
      workerPass,
    );
    expect(disabled?.disabledReason).toMatch(/72 hours/);
    const entries = await t.app.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, decodeGlobalID(endpoint.id).id));
    expect(entries.map((e) => [e.action, e.actorId])).toContainEqual(['webhook_endpoint.disabled', null]);
    await until(watcher, 1);
    const told = JSON.parse(watcher.received[0]?.body ?? '{}');
    signatureOnly(secret).verify(watcher.received[0]?.body ?? '', watcher.received[0]?.headers ?? {});
    expect(told).toMatchObject({ type: 'webhook_endpoint.disabled', data: { url: failing.url } });
    // Disabled: nothing more is claimed for it, however long one waits.
    const before = failing.received.length;
    t.clock.advance(3600);
    await workerPass();
    await workerPass();
    expect(failing.received.length).toBe(before);
  });
});

describe('the retry schedule', () => {
  it('waits each configured step, jittered by a fifth, then gives up', () => {
    expect(retryDelayMs(1, [60, 300], () => 0)).toBe(48_000);
    expect(retryDelayMs(1, [60, 300], () => 1)).toBe(72_000);
    expect(retryDelayMs(2, [60, 300], () => 0.5)).toBe(300_000);
    expect(retryDelayMs(3, [60, 300])).toBeUndefined();
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('a worker killed mid-request', () => {
  it('leaves the delivery to another worker once its lease runs out: same webhook-id, delivered', async () => {
    const own = await isolatedDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'invitation-api-hooks-kill-'));
    const api = await startTestApp({ ...webhookEnv, DATA_DIR: dir }, { database: own.database });
    let killed: (() => void) | undefined;
    const slow = await started((_r, nth) => {
      if (nth === 1) {
        killed?.();
        return 'hang';
      }
      return 200;
    });
    try {
      const owner = await newAccount(api, 'hooks-kill');
      const result = await api.gql(
        CreateEndpoint,
        { input: { organizationId: owner.organizationId, url: slow.url, eventTypes: ['INVITATION_CREATED'] } },
        { token: owner.token },
      );
      const secret =
        result.data?.createWebhookEndpoint?.__typename === 'CreateWebhookEndpointPayload'
          ? result.data.createWebhookEndpoint.secret
          : expect.fail(JSON.stringify(result));
      await invite(api, owner);
      const env = {
        ...webhookEnv,
        DATA_DIR: dir,
        DATABASE_URL: own.url ?? '',
        DELIVERY_LEASE_SECONDS: '2',
        WORKER_ID: 'first',
      };
      const first = workerProcess(env);
      killed = () => first.child.kill('SIGKILL');
      await until(slow, 1, 60_000);
      await first.exited;
      workerProcess({ ...env, WORKER_ID: 'second' });
      await until(slow, 2, 60_000);
      expect(slow.received[1]?.headers['webhook-id']).toBe(slow.received[0]?.headers['webhook-id']);
      const body = new Webhook(secret).verify(slow.received[1]?.body ?? '', slow.received[1]?.headers ?? {});
      expect(body).toMatchObject({ type: 'invitation.created' });
      await eventually(
        async () => (await own.database.db.select().from(webhookDeliveries))[0]?.state,
        (state) => state === 'SUCCEEDED',
        () => new Promise((resolve) => setTimeout(resolve, 100)),
        30_000,
      );
    } finally {
      // The workers first: none is left running on a database that is gone.
      killChildren();
      await api.stop();
      await own.drop();
    }
  }, 120_000);
});
