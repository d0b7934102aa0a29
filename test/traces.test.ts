// Traces, with tracing on and an in-memory exporter in place of OTLP: a send through the HTTP door
// is a span for its GraphQL operation with a child span per SQL statement it ran (their text, no
// parameter), and the worker's delivery of that invitation is a span of its own trace, linked to
// the operation that queued it, with its own statements as children. No span carries a secret.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { startTracing, type Tracing } from '../src/ops/tracing.js';
import { startTestApp, workerPass } from './helpers/app.js';
import { isolatedDatabase } from './helpers/db.js';
import { eventually } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { newAccount } from './helpers/seed.js';

describe('traces of a send and its delivery', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  let t: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    // On before the database opens, as the entry points do.
    tracing = await startTracing({ exporter });
    isolated = await isolatedDatabase();
    t = await startTestApp({ WORKER_ENABLED: 'true', DELIVERY_POLL_MS: '50' }, { database: isolated.database });
  });
  afterAll(async () => {
    await t?.stop();
    await isolated?.drop();
    await tracing?.shutdown();
  });

  it('has an operation span with statement children, and a delivery attempt span linked to it', async () => {
    const owner = await newAccount(t, 'traces');
    const sent = await invite(t, owner);
    const invitationId = decodeGlobalID(sent.invitation.id).id;
    const attempt = await eventually(
      async () =>
        exporter
          .getFinishedSpans()
          .find((span) => span.name === 'delivery attempt' && span.attributes['delivery.invitation'] === invitationId),
      (found) => found !== undefined,
      workerPass(t),
    );
    if (!attempt) expect.fail('no delivery attempt span');
    const spans = exporter.getFinishedSpans();
    const childrenOf = (parent: ReadableSpan) =>
      spans.filter(
        (span) =>
          span.parentSpanId === parent.spanContext().spanId &&
          span.spanContext().traceId === parent.spanContext().traceId,
      );

    const operations = spans.filter((span) => span.name === 'mutation.HelperSendInvitation');
    expect(operations).toHaveLength(1);
    const [operation] = operations;
    if (!operation) return;
    expect(operation.attributes).toMatchObject({
      'graphql.execute.operationName': 'HelperSendInvitation',
      'graphql.execute.operationType': 'mutation',
    });
    const statements = childrenOf(operation);
    expect(statements.length).toBeGreaterThanOrEqual(3);
    for (const statement of statements) {
      expect(statement.name).toMatch(/^db [A-Z]+$/);
      expect(statement.attributes['db.system']).toBe('postgresql');
    }
    const sql = statements.map((statement) => String(statement.attributes['db.statement']));
    expect(sql).toEqual(expect.arrayContaining([expect.stringMatching(/^insert into "delivery_attempts"/)]));
    expect(sql).toEqual(expect.arrayContaining([expect.stringMatching(/^insert into "invitations"/)]));

    // The delivery: a trace of its own, linked to the operation, its statements its children.
    expect(attempt.spanContext().traceId).not.toBe(operation.spanContext().traceId);
    expect(attempt.links.map((link) => link.context)).toEqual([
      expect.objectContaining({
        traceId: operation.spanContext().traceId,
        spanId: operation.spanContext().spanId,
      }),
    ]);
    const attemptStatements = childrenOf(attempt).map((span) => String(span.attributes['db.statement']));
    expect(attemptStatements).toEqual(
      expect.arrayContaining([expect.stringMatching(/^select .* from "invitations" inner join "delivery_attempts"/)]),
    );

    // Statements carry their text, never their parameters: no address, token or password.
    const recorded = JSON.stringify(spans.map((span) => [span.name, span.attributes, span.events]));
    for (const secret of [sent.email, sent.token, sent.proof, owner.password, owner.token]) {
      expect(recorded).not.toContain(secret);
    }
  });
});
