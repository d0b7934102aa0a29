// Reproduces postgres.js 3.4.x's `TypeError: Cannot read properties of null (reading 'write')` at
// connection.js nextWrite, with postgres.js alone against a PostgreSQL cluster of its own that it
// restarts while transactions pipeline prepared statements (Promise.all inside sql.begin).
//   npx tsx scripts/repro-postgres-nextwrite.ts [unpatched|patched] [rounds]
// "patched" runs the same loop through src/db/postgresGuard.ts. Exits 1 when the process would
// have died (an uncaughtException) or a query never settled; prints what happened.
import postgres from 'postgres';
import { createPgCluster } from '../test/helpers/pgCluster.js';

const mode = process.argv[2] ?? 'unpatched';
const rounds = Number(process.argv[3] ?? 5);

const crashes: unknown[] = [];
process.on('uncaughtException', (error) => {
  crashes.push(error);
  console.log('uncaughtException:', (error as Error).stack?.split('\n').slice(0, 3).join(' | '));
});

process.on('unhandledRejection', (error, promise) => {
  crashes.push(error);
  const strings = (promise as { strings?: unknown }).strings;
  console.log('unhandledRejection:', String(error), strings ? JSON.stringify(strings) : promise.constructor.name);
});

const cluster = await createPgCluster('repro_test');
const guarded = mode === 'patched' ? await import('../src/db/postgresGuard.js') : undefined;
const options: postgres.Options<never> = { max: 4, prepare: true, onnotice: () => {}, connect_timeout: 2 };
const raw = postgres(cluster.url, guarded ? guarded.guardedOptions(options, 2000) : options);
const sql = guarded ? guarded.guardClient(raw, 2000) : raw;

let stopLoad = false;
let committed = 0;
let failed = 0;
let pending = 0;
const load = async () => {
  while (!stopLoad) {
    pending++;
    try {
      await sql.begin((tx) =>
        Promise.all([
          tx.unsafe('select $1::int as a', [1]),
          tx.unsafe('select $1::text as b, pg_sleep(0.01)', ['x']),
          tx.unsafe('select $1::int + $2::int as c', [2, 3]),
        ]),
      );
      committed++;
    } catch {
      failed++;
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      pending--;
    }
  }
};
const workers = Array.from({ length: 8 }, load);
for (let round = 0; round < rounds && crashes.length === 0; round++) {
  await new Promise((r) => setTimeout(r, 300));
  cluster.stop(round % 2 ? 'immediate' : 'fast');
  await new Promise((r) => setTimeout(r, 300));
  cluster.start();
}
await new Promise((r) => setTimeout(r, 500));
stopLoad = true;
const settled = await Promise.race([
  Promise.all(workers).then(() => true),
  new Promise((r) => setTimeout(r, 10_000, false)),
]);
console.log({ mode, crashes: crashes.length, committed, failed, settled, pending });
await raw.end({ timeout: 1 }).catch(() => {});
cluster.remove();
process.exit(crashes.length > 0 || !settled ? 1 : 0);
