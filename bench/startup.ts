// Start-up and idle memory: a real `npm start` (prestart included, as an operator runs it) on a
// fresh DATA_DIR, then again on the database it left, measuring the time from spawn to the first
// 200 from /health and the server's resident memory after a few seconds idle. Linux only for the
// memory (it reads /proc); elsewhere it reports n/a.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile } from './lib.js';

export const STARTUP_BUDGETS = { newDatabaseMs: 10_000, existingDatabaseMs: 5_000, idleRssMb: 300 };

const IDLE_MS = 5_000;
const TIMEOUT_MS = 120_000;

export interface StartFigures {
  /** Spawn to the first 200 from /health. */
  healthMs: number;
  /** The server process (node dist/main.js), after IDLE_MS idle. */
  serverRssMb: number;
  /** npm and the server together. */
  treeRssMb: number;
}

export interface StartupFigures {
  runs: number;
  newDatabase: { median: StartFigures; samples: StartFigures[] };
  existingDatabase: { median: StartFigures; samples: StartFigures[] };
}

function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {}
  return children.flatMap((child) => [child, ...descendants(child)]);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // npm start execs the server, so the signal to npm reaches it; the group catches any straggler.
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

async function startOnce(root: string, dataDir: string): Promise<StartFigures> {
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'SMTP_URL', 'PUBLIC_URL', 'JWT_PRIVATE_KEY'])
    delete env[name];
  const began = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  try {
    let healthMs: number | undefined;
    while (healthMs === undefined) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
      if (performance.now() - began > TIMEOUT_MS)
        throw new Error(`no 200 from /health in ${TIMEOUT_MS} ms:\n${output}`);
      const base = /Invitation API on (http:\/\/\S+)\/graphql/.exec(output)?.[1];
      if (base) {
        const status = await fetch(`${base}/health`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) healthMs = performance.now() - began;
      }
      if (healthMs === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const npmPid = child.pid as number;
    const below = descendants(npmPid);
    // The server is the node process running dist/main.js (npm's child, through `exec`).
    const server = below.find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/main.js');
      } catch {
        return false;
      }
    });
    return {
      healthMs,
      serverRssMb: server === undefined ? Number.NaN : rssMb(server),
      treeRssMb: [npmPid, ...below].reduce((sum, pid) => sum + rssMb(pid), 0),
    };
  } finally {
    await stop(child);
  }
}

function median(samples: StartFigures[]): StartFigures {
  const of = (key: keyof StartFigures) =>
    percentile(
      samples.map((s) => s[key]).sort((a, b) => a - b),
      50,
    );
  return { healthMs: of('healthMs'), serverRssMb: of('serverRssMb'), treeRssMb: of('treeRssMb') };
}

/** `runs` pairs of starts: each on a new DATA_DIR, then again on the database it created. */
export async function benchStartup(options: {
  root: string;
  runs: number;
  log: (m: string) => void;
}): Promise<StartupFigures> {
  const fresh: StartFigures[] = [];
  const existing: StartFigures[] = [];
  for (let run = 0; run < options.runs; run++) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'invitation-bench-start-'));
    try {
      fresh.push(await startOnce(options.root, dataDir));
      existing.push(await startOnce(options.root, dataDir));
      options.log(
        `start ${run + 1}/${options.runs}: new database ${Math.round(fresh.at(-1)?.healthMs ?? 0)} ms, ` +
          `existing ${Math.round(existing.at(-1)?.healthMs ?? 0)} ms`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return {
    runs: options.runs,
    newDatabase: { median: median(fresh), samples: fresh },
    existingDatabase: { median: median(existing), samples: existing },
  };
}
