// The outbox as seen at scrape time: attempts waiting or in flight by state, and how long the
// oldest due one has waited. One statement (on the state, available_at index), bounded by
// METRICS_COLLECT_TIMEOUT_MS; when it fails or times out the scrape goes on without these series
// and metrics_collect_failures_total counts it.
import { sql } from 'drizzle-orm';
import { type Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';

interface Row {
  state: string;
  n: number;
  oldest_due: string | Date | null;
}

const STATES = ['QUEUED', 'RETRY', 'SENDING'] as const;

export function registerOutboxMetrics(deps: {
  registry: Registry;
  db: Db;
  clock: Clock;
  timeoutMs: number;
  failures: Counter<'collector'>;
}) {
  const { registry, db, clock, timeoutMs, failures } = deps;

  /** One query per scrape, shared by both gauges (the registry collects them concurrently). */
  let inflight: Promise<Row[] | undefined> | undefined;
  const load = () => {
    inflight ??= query().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  async function query(): Promise<Row[] | undefined> {
    const now = clock.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        db.execute(sql`
          select state, count(*)::int as n,
                 min(available_at) filter (where state <> 'SENDING' and available_at <= ${now.toISOString()}::timestamptz) as oldest_due
          from delivery_attempts
          where state in ('QUEUED', 'RETRY', 'SENDING')
          group by state`),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`outbox query took over ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
    } catch {
      failures.labels('outbox').inc();
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  new Gauge({
    name: 'delivery_outbox_depth',
    help: 'Invitation delivery attempts not yet ended, by state (QUEUED, RETRY, SENDING), read at scrape time.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await load();
      if (!rows) return;
      for (const state of STATES) this.labels(state).set(rows.find((r) => r.state === state)?.n ?? 0);
    },
  });

  new Gauge({
    name: 'delivery_outbox_oldest_due_age_seconds',
    help: 'How long the oldest attempt due to be sent (QUEUED or RETRY, available) has waited; 0 when none is due.',
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await load();
      if (!rows) return;
      const now = clock.now().getTime();
      const oldest = rows
        .map((r) => (r.oldest_due === null ? undefined : new Date(r.oldest_due).getTime()))
        .filter((t): t is number => t !== undefined);
      this.set(oldest.length === 0 ? 0 : Math.max(0, (now - Math.min(...oldest)) / 1000));
    },
  });

  return {
    /** Settles when this scrape's statement has (so a failure shows in the scrape it happened in). */
    collected: () => load().then(() => undefined),
  };
}
