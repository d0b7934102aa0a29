// How we drive postgres.js so that a database that comes and goes costs a request an error, never
// the process, and never a wait past DATABASE_TIMEOUT_MS:
//
// - Every statement is prepared. Drizzle runs statements unprepared, and postgres.js then
//   describes one with parameters in a round trip of its own: two round trips instead of one.
// - No statement waits for a connection longer than the bound: it fails DATABASE_UNAVAILABLE
//   (a transaction whose turn comes later never runs its work).
// - Nothing writes to a transaction's connection once it has gone. postgres.js 3.4.9 (upstream
//   porsager/postgres#1154, #1208) nulls a connection's socket when it closes but leaves writes
//   reaching it: its own ROLLBACK after the transaction's work fails, or a statement the work
//   issues after the close, schedules `nextWrite` in a setImmediate that dereferences the null
//   socket, a TypeError no caller can catch. So, inside a transaction: once a statement failed
//   because the database is unreachable, or the transaction has ended, its further statements
//   fail here without reaching the driver; and work that failed that way is held, not rejected,
//   until the connection's close ends the transaction (postgres.js rejects `begin` on close), so
//   postgres.js issues no ROLLBACK on a dead connection. If the connection stays up after all,
//   the hold ends after a short grace and the ROLLBACK goes out as usual.
import type postgres from 'postgres';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './availability.js';

/** What one transaction (with its savepoints) knows about its connection. */
interface TxState {
  /** Why its statements may no longer reach the driver. */
  dead: unknown;
  holds: Set<NodeJS.Timeout>;
  /** `begin` has settled: postgres.js is done with the connection, a held work stays held. */
  ended: boolean;
}

/** How long work that failed for want of its database waits for the connection's close. */
const HOLD_GRACE_MS = 2000;

/** The options that bound how long anything waits for PostgreSQL. */
export function guardedOptions<T extends postgres.Options<never>>(options: T, timeoutMs: number): T {
  return {
    ...options,
    connect_timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    // The default waits up to 20 s between attempts; a database back from a restart is used again
    // within about a second.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
  };
}

/** The client Drizzle gets: prepares every statement and keeps the rules above. */
export function guardClient(client: postgres.Sql, timeoutMs: number): postgres.Sql {
  return wrap(client, undefined, timeoutMs);
}

type Settle = (value: unknown) => unknown;

/** What Drizzle awaits in place of a postgres.js query: `then`, and `values()` for rows as arrays. */
function thenable(run: () => Promise<unknown>) {
  // biome-ignore lint/suspicious/noThenProperty: a stand-in for postgres.js's thenable query
  return { then: (a?: Settle, b?: Settle) => run().then(a, b) };
}

function failed(error: unknown) {
  const rejected = () => Promise.reject(error);
  return Object.assign(thenable(rejected), { values: () => thenable(rejected) });
}

/** The query, settling as it does, or DATABASE_UNAVAILABLE once it waited the bound for a connection. */
function watched(query: postgres.PendingQuery<postgres.Row[]>, tx: TxState | undefined, timeoutMs: number) {
  let settled: Promise<unknown> | undefined;
  const run = (source: PromiseLike<unknown>): Promise<unknown> =>
    (settled ??= new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Still waiting for a connection (postgres.js sets `state` when it hands the query to one).
        if ((query as unknown as { state: unknown }).state === null) {
          reject(new DatabaseUnavailableError(`no database connection within ${timeoutMs} ms`));
        }
      }, timeoutMs);
      timer.unref();
      source.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (tx && isDatabaseUnavailable(error)) tx.dead ??= error;
          reject(error);
        },
      );
    }));
  return Object.assign(
    thenable(() => run(query)),
    { values: () => thenable(() => run(query.values())) },
  );
}

/** Work's result, or for work that failed because its connection went away, a hold (see above). */
async function held<T>(state: TxState, work: () => Promise<T>): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await work() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const unavailable = !outcome.ok && isDatabaseUnavailable(outcome.error);
  if (state.dead === undefined && !unavailable) {
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }
  const reason = outcome.ok ? state.dead : outcome.error;
  state.dead ??= reason;
  return new Promise<T>((_resolve, reject) => {
    // Settling now would only make postgres.js write a ROLLBACK to a closed connection.
    if (state.ended) return;
    const timer = setTimeout(() => {
      state.holds.delete(timer);
      reject(reason);
    }, HOLD_GRACE_MS);
    timer.unref();
    state.holds.add(timer);
  });
}

function wrap(sql: postgres.Sql, tx: TxState | undefined, timeoutMs: number): postgres.Sql {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (
          query: string,
          parameters?: postgres.ParameterOrJSON<never>[],
          options?: postgres.UnsafeQueryOptions,
        ) => {
          if (tx && tx.dead !== undefined) {
            return failed(new DatabaseUnavailableError('the transaction has lost its connection', { cause: tx.dead }));
          }
          return watched(target.unsafe(query, parameters, { ...options, prepare: true }), tx, timeoutMs);
        };
      }
      if (key === 'begin') return (...args: unknown[]) => begin(target, args, timeoutMs);
      if (key === 'savepoint' && tx) {
        const open = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          if (tx.dead !== undefined) {
            return Promise.reject(
              new DatabaseUnavailableError('the transaction has lost its connection', { cause: tx.dead }),
            );
          }
          const work = args.pop() as (inner: postgres.Sql) => Promise<unknown>;
          return open.call(target, ...args, (inner: postgres.Sql) => held(tx, () => work(wrap(inner, tx, timeoutMs))));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

function begin(target: postgres.Sql, args: unknown[], timeoutMs: number): Promise<unknown> {
  const work = args.pop() as (inner: postgres.Sql) => Promise<unknown>;
  const state: TxState = { dead: undefined, holds: new Set(), ended: false };
  let started = false;
  let abandoned = false;
  const open = target.begin as unknown as (...a: unknown[]) => Promise<unknown>;
  const running = open.call(target, ...args, (inner: postgres.Sql) => {
    started = true;
    // The caller was told DATABASE_UNAVAILABLE already: its work must not run late.
    if (abandoned) return Promise.reject(new DatabaseUnavailableError('the transaction started too late'));
    return held(state, () => work(wrap(inner, state, timeoutMs)));
  });
  const ended = () => {
    // The connection is back in the pool (or gone): nothing may write through this transaction.
    state.dead ??= new DatabaseUnavailableError('the transaction has ended');
    state.ended = true;
    for (const timer of state.holds) clearTimeout(timer);
    state.holds.clear();
  };
  running.then(ended, ended);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (started) return;
      abandoned = true;
      reject(new DatabaseUnavailableError(`no database connection within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
