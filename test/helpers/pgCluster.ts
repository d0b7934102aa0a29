// A PostgreSQL cluster of a test's own (initdb in a temporary directory, its own port and socket
// directory), which the test may stop and start to stage an outage without touching the shared
// server. Needs the PostgreSQL 15 binaries and root (the cluster runs as the postgres user).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/ops_test */
  url: string;
  port: number;
  /** pg_ctl stop: `fast` disconnects sessions cleanly, `immediate` drops them like a crash. */
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  /** Stops the cluster (if running) and deletes its directory. */
  remove(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(command: string, args: string[]): void {
  const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // From `/`: the caller's directory may be one the postgres user cannot see (or one already gone),
  // and initdb gives up when it cannot name its current directory.
  execFileSync('su', ['postgres', '-c', quoted], { cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function createPgCluster(database = 'ops_test'): Promise<PgCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgcluster-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'log');
  const port = await freePort();
  asPostgres(`${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  let running = false;
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    start() {
      // fsync off: a test cluster's durability across a machine crash does not matter.
      asPostgres(`${BIN}/pg_ctl`, ['-D', data, '-o', `-p ${port} -k ${dir} -c fsync=off`, '-l', log, '-w', 'start']);
      running = true;
    },
    stop(mode = 'fast') {
      if (!running) return;
      asPostgres(`${BIN}/pg_ctl`, ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    remove() {
      try {
        cluster.stop('immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  cluster.start();
  execFileSync(
    `${BIN}/psql`,
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', `create database ${database}`],
    {
      stdio: 'ignore',
    },
  );
  return cluster;
}
