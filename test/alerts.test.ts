// The alerting rules (ops/prometheus/alerts.yml) through Debian's Prometheus tools: promtool checks
// them and runs their unit tests on synthetic series (alerts.test.yml), and a real Prometheus
// scrapes the running server, with the token, loads the rules, and answers a query for one of the
// domain's metrics. Needs `promtool` and `prometheus` on the PATH (apt-get install prometheus;
// .ci/run installs it).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './helpers/app.js';
import { eventually } from './helpers/eventually.js';
import { invite } from './helpers/invitations.js';
import { newAccount } from './helpers/seed.js';

const run = promisify(execFile);
const rulesDir = path.resolve(import.meta.dirname, '../ops/prometheus');
const rules = path.join(rulesDir, 'alerts.yml');

async function promtool(...args: string[]) {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: rulesDir });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') throw new Error('promtool is not installed: apt-get install -y prometheus');
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the alerting rules', () => {
  it('pass promtool check rules', async () => {
    const result = await promtool('check', 'rules', rules);
    expect(result.output).toContain('SUCCESS: 7 rules found');
    expect(result.code).toBe(0);
  });

  it('fire when each threshold is crossed and stay quiet when it is not (promtool test rules)', async () => {
    const result = await promtool('test', 'rules', 'alerts.test.yml');
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});

/** A port free now (Prometheus binds it a moment later; nothing else here asks for one by number). */
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

interface QueryAnswer {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('a real Prometheus scraping the server', () => {
  const token = `metrics-${randomUUID()}`;
  const t = useTestApp({ METRICS_TOKEN: token });
  let prometheus: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  let dir = '';
  let api = '';
  let log = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'invitation-api-prometheus-'));
    const target = new URL(t.url).host;
    const config = path.join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(rules)}`,
        'scrape_configs:',
        '  - job_name: invitation-api',
        '    metrics_path: /metrics',
        '    authorization:',
        `      credentials: ${JSON.stringify(token)}`,
        '    static_configs:',
        `      - targets: [${JSON.stringify(target)}]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const child = prometheus;
    exited = new Promise((resolve) => child.once('exit', resolve));
    child.once('error', (error) => {
      log += `\n${String(error)} (apt-get install -y prometheus)`;
    });
  });

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await exited;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Prometheus's answer, or undefined while it is not up yet. */
  async function query(promql: string): Promise<QueryAnswer | undefined> {
    try {
      const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return response.ok ? ((await response.json()) as QueryAnswer) : undefined;
    } catch {
      return undefined;
    }
  }

  // Prometheus scrapes on its own schedule and tells no one: look again a little later.
  const shortly = () => new Promise((resolve) => setTimeout(resolve, 250));

  it('reads invitation_sent_total back through its query API, and loads the alerting rules', async () => {
    const owner = await newAccount(t, 'prometheus');
    await invite(t, owner);
    await invite(t, owner);

    const answer = await eventually(
      () => query('invitation_sent_total{job="invitation-api"}'),
      (a) => a?.data.result[0]?.value[1] === '2',
      shortly,
      30_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nprometheus said: ${log}`);
    });
    expect(answer?.data.result).toHaveLength(1);
    expect(answer?.data.result[0]?.metric.instance).toBe(new URL(t.url).host);

    const up = await query('up{job="invitation-api"}');
    expect(up?.data.result[0]?.value[1]).toBe('1');

    const loaded = (await (await fetch(`${api}/api/v1/rules?type=alert`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const names = loaded.data.groups.flatMap((g) => g.rules.map((r) => r.name)).sort();
    expect(names).toEqual([
      'CpuHigh',
      'DatabaseConnectionFailures',
      'InvitationSendFailureRateHigh',
      'InvitationSendSlow',
      'MemoryHigh',
      'ResponseTimeP95High',
      'SystemErrorRateHigh',
    ]);
  });
});
