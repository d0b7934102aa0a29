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

/**
 * What the pool is doing, for /metrics: postgres.js exposes no pool statistics, so the guard counts
 * what passes through it. A connection is in use while a transaction holds it or a statement runs
 * on it (pipelined statements share one, hence the cap at `max`); waiting are the statements and
 * transactions not yet handed a connection.
 */
export interface PoolUsage {
  max: number;
  /** Statements outside transactions, issued and not yet settled. */
  statements: Set<{ state: unknown }>;
  transactions: { open: number; waiting: number };
  /** Statements and transactions that failed because no connection could be had. */
  failures: number;
}

export function createPoolUsage(max: number): PoolUsage {
  return { max, statements: new Set(), transactions: { open: 0, waiting: 0 }, failures: 0 };
}

export function poolSnapshot(usage: PoolUsage) {
  let running = 0;
  let waiting = usage.transactions.waiting;
  for (const statement of usage.statements) {
    if (statement.state === null) waiting += 1;
    else running += 1;
  }
  return { max: usage.max, inUse: Math.min(usage.max, usage.transactions.open + running), waiting };
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

/** text[]: registered by postgres.js's array-type fetch together with every other array type. */
const TEXT_ARRAY_OID = 1009;

/**
 * The client Drizzle gets: prepares every statement and keeps the rules above. And once the pool
 * knows the array types, new connections no longer fetch them: postgres.js 3.4.9 fetches them on
 * every connection in a promise nothing handles, so a connection lost during that fetch (a
 * reconnect while the database restarts) is an unhandled rejection. The first fetch registers
 * the parsers in the pool's shared options, where they stay.
 */
export function guardClient(client: postgres.Sql, timeoutMs: number, usage = createPoolUsage(0)): postgres.Sql {
  const options = client.options as unknown as { fetch_types: boolean; parsers: Record<number, unknown> };
  const guarded = wrap(client, undefined, timeoutMs, usage);
  return new Proxy(guarded, {
    get(target, key, receiver) {
      if (options.fetch_types && options.parsers[TEXT_ARRAY_OID]) options.fetch_types = false;
      return Reflect.get(target, key, receiver);
    },
  });
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
function watched(
  query: postgres.PendingQuery<postgres.Row[]>,
  tx: TxState | undefined,
  timeoutMs: number,
  usage: PoolUsage,
) {
  let settled: Promise<unknown> | undefined;
  const tracked = query as unknown as { state: unknown };
  let gaveUp = false;
  const run = (source: PromiseLike<unknown>): Promise<unknown> =>
    (settled ??= new Promise((resolve, reject) => {
      if (!tx) usage.statements.add(tracked);
      const timer = setTimeout(() => {
        // Still waiting for a connection (postgres.js sets `state` when it hands the query to one).
        if (tracked.state === null) {
          gaveUp = true;
          usage.failures += 1;
          // No longer this caller's; the driver may still run it once a connection frees up.
          usage.statements.delete(tracked);
          reject(new DatabaseUnavailableError(`no database connection within ${timeoutMs} ms`));
        }
      }, timeoutMs);
      timer.unref();
      source.then(
        (value) => {
          clearTimeout(timer);
          usage.statements.delete(tracked);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          usage.statements.delete(tracked);
          if (isDatabaseUnavailable(error)) {
            if (!gaveUp && (!tx || tx.dead === undefined)) usage.failures += 1;
            if (tx) tx.dead ??= error;
          }
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

function wrap(sql: postgres.Sql, tx: TxState | undefined, timeoutMs: number, usage: PoolUsage): postgres.Sql {
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
          return watched(target.unsafe(query, parameters, { ...options, prepare: true }), tx, timeoutMs, usage);
        };
      }
      if (key === 'begin') return (...args: unknown[]) => begin(target, args, timeoutMs, usage);
      if (key === 'savepoint' && tx) {
        const open = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          if (tx.dead !== undefined) {
            return Promise.reject(
              new DatabaseUnavailableError('the transaction has lost its connection', { cause: tx.dead }),
            );
          }
          const work = args.pop() as (inner: postgres.Sql) => Promise<unknown>;
          return open.call(target, ...args, (inner: postgres.Sql) =>
            held(tx, () => work(wrap(inner, tx, timeoutMs, usage))),
          );
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

function begin(target: postgres.Sql, args: unknown[], timeoutMs: number, usage: PoolUsage): Promise<unknown> {
  const work = args.pop() as (inner: postgres.Sql) => Promise<unknown>;
  const state: TxState = { dead: undefined, holds: new Set(), ended: false };
  let started = false;
  let abandoned = false;
  const open = target.begin as unknown as (...a: unknown[]) => Promise<unknown>;
  usage.transactions.waiting += 1;
  const running = open.call(target, ...args, (inner: postgres.Sql) => {
    started = true;
    usage.transactions.waiting -= 1;
    usage.transactions.open += 1;
    // The caller was told DATABASE_UNAVAILABLE already: its work must not run late.
    if (abandoned) return Promise.reject(new DatabaseUnavailableError('the transaction started too late'));
    return held(state, () => work(wrap(inner, state, timeoutMs, usage)));
  });
  const ended = () => {
    if (started) usage.transactions.open -= 1;
    else usage.transactions.waiting -= 1;
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
      usage.failures += 1;
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
        // Never connected (its statements count their own failures).
        if (!started && !abandoned && isDatabaseUnavailable(error)) usage.failures += 1;
        reject(error);
      },
    );
  });
}
