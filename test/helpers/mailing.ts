// A test app with a database and an SMTP peer of its own, for tests whose background jobs (the
// delivery worker, the sweeper) act on every row. Started before the describe's tests, stopped after.
import { afterAll, beforeAll } from 'vitest';
import { startTestApp } from './app.js';
import { isolatedDatabase } from './db.js';
import { type SmtpSink, startSmtpSink } from './smtp.js';

type Started = {
  sink: SmtpSink;
  isolated: Awaited<ReturnType<typeof isolatedDatabase>>;
  t: Awaited<ReturnType<typeof startTestApp>>;
};

/** An object that forwards to what `current()` returns once the hooks have run. */
function later<T extends object>(current: () => T): T {
  return new Proxy({} as T, { get: (_target, key) => Reflect.get(current(), key) });
}

/** `env` receives the SMTP peer's URL. */
export function useMailingApp(env: (smtpUrl: string) => Record<string, string>): Started {
  let started: Partial<Started> = {};
  beforeAll(async () => {
    const sink = await startSmtpSink();
    const isolated = await isolatedDatabase();
    const t = await startTestApp(env(sink.url), { database: isolated.database });
    started = { sink, isolated, t };
  });
  afterAll(async () => {
    await started.t?.stop();
    await started.isolated?.drop();
    await started.sink?.close();
  });
  const get = <K extends keyof Started>(key: K) => {
    const value = started[key];
    if (!value) throw new Error('useMailingApp: not started yet');
    return value as Started[K];
  };
  return { sink: later(() => get('sink')), isolated: later(() => get('isolated')), t: later(() => get('t')) };
}
