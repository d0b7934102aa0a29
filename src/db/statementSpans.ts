// A span for each SQL statement, a child of the active span (the GraphQL operation, a delivery
// attempt): `db.statement` is the statement's text, never its parameters. Wrapped around the
// driver's client by client.ts only when tracing is on; otherwise the client is used as it is.
// postgres.js: what Drizzle calls, `unsafe` (awaited, or `.values()`), inside `begin` and
// `savepoint` too. PGlite: `query`, inside `transaction` too.
import type { PGlite } from '@electric-sql/pglite';
import { SpanKind } from '@opentelemetry/api';
import type postgres from 'postgres';
import { inSpan } from '../lib/tracing.js';

function spanned<T>(statement: string, run: () => PromiseLike<T>): Promise<T> {
  const verb = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? 'SQL';
  return inSpan(
    `db ${verb}`,
    { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': statement } },
    run,
  );
}

type Settle = (value: unknown) => unknown;

/** Stands in for postgres.js's lazy query: the statement runs, in its span, when awaited. */
function lazy(statement: string, source: () => PromiseLike<unknown>) {
  // biome-ignore lint/suspicious/noThenProperty: a stand-in for postgres.js's thenable query
  return { then: (a?: Settle, b?: Settle) => spanned(statement, source).then(a, b) };
}

export function tracePostgres(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (statement: string, ...rest: unknown[]) => {
          const pending = (target.unsafe as (...args: unknown[]) => postgres.PendingQuery<postgres.Row[]>)(
            statement,
            ...rest,
          );
          return Object.assign(
            lazy(statement, () => pending),
            { values: () => lazy(statement, () => pending.values()) },
          );
        };
      }
      if (key === 'begin' || key === 'savepoint') {
        const open = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const work = args.pop() as (inner: postgres.Sql) => unknown;
          return open.call(target, ...args, (inner: postgres.Sql) => work(tracePostgres(inner)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

type Queryable = Pick<PGlite, 'query'>;

export function tracePglite<T extends Queryable>(client: T): T {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'query') {
        const query = value as PGlite['query'];
        return (statement: string, ...rest: unknown[]) =>
          spanned(statement, () =>
            (query as (...args: unknown[]) => Promise<unknown>).call(target, statement, ...rest),
          );
      }
      if (key === 'transaction') {
        const transaction = value as PGlite['transaction'];
        return (work: (tx: Queryable) => Promise<unknown>) => transaction.call(target, (tx) => work(tracePglite(tx)));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
