// The Grafana dashboard (ops/grafana/invitations.json) asks only for what the server exposes: every
// panel's PromQL names metrics found in a real scrape of the running server's /metrics, and every
// expression, Grafana's variables filled in, passes Debian's `promtool check rules` as a recording
// rule (so its syntax is valid PromQL). Needs `promtool` on the PATH (apt-get install prometheus).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './helpers/app.js';

const run = promisify(execFile);
const dashboardFile = path.resolve(import.meta.dirname, '../ops/grafana/invitations.json');

interface Panel {
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string; query?: unknown }[] };
  panels: Panel[];
};
const queried = dashboard.panels.filter((panel) => panel.type !== 'row');
const expressions = queried.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, expr: target.expr })));

/** What Grafana substitutes before the query reaches Prometheus. */
const filled = (expr: string) =>
  expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1d').replaceAll('$job', '.+');

/** Grafana's reference to the datasource variable, `${datasource}`. */
const datasourceVariable = ['$', '{datasource}'].join('');

const functionsAndKeywords = /^(by|without|on|ignoring|group_left|group_right|bool|offset|and|or|unless)$/;

/** The metric names an expression selects: identifiers left once strings, matchers, ranges, groupings and calls are taken out. */
function metricNames(expr: string): string[] {
  const bare = filled(expr)
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][\w:]*(\s*\()?/g)) {
    const [token, call] = match;
    const name = token.replace(/\s*\($/, '');
    if (call || functionsAndKeywords.test(name)) continue;
    names.add(name);
  }
  return [...names];
}

/** The metric families /metrics declares (`# TYPE name kind`), each series name they give. */
function declaredSeries(text: string): Set<string> {
  const series = new Set<string>();
  for (const [, name = '', kind] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    series.add(name);
    if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) series.add(`${name}${suffix}`);
    if (kind === 'summary') for (const suffix of ['_sum', '_count']) series.add(`${name}${suffix}`);
  }
  return series;
}

describe('the Grafana dashboard', () => {
  const t = useTestApp();

  it('takes its Prometheus from a datasource variable, in every panel and query', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    expect(queried.length).toBeGreaterThanOrEqual(15);
    for (const panel of queried) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: datasourceVariable });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
    for (const title of [
      'Daily invitations',
      'Acceptance rate (7 d)',
      'Send latency (sendInvitation)',
      'Delivery outcomes',
      'Error rate',
      'Outbox depth',
      'Oldest due attempt',
      'Database pool',
    ]) {
      expect(queried.map((panel) => panel.title)).toContain(title);
    }
  });

  it('reads each of the seed panels from the metric it is about', () => {
    const about = (title: string) => [
      ...new Set(
        queried
          .filter((panel) => panel.title === title)
          .flatMap((panel) => panel.targets?.flatMap((target) => metricNames(target.expr)) ?? []),
      ),
    ];
    expect(about('Daily invitations')).toContain('invitation_sent_total');
    expect(about('Acceptance rate (7 d)')).toEqual(['invitation_responses_total', 'invitation_sent_total']);
    expect(about('Send latency (sendInvitation)')).toEqual(['invitation_send_duration_seconds_bucket']);
    expect(about('Delivery outcomes')).toContain('delivery_outcomes_total');
    expect(about('Error rate')).toEqual(['graphql_envelop_error_result', 'graphql_envelop_request']);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(a_bucket{job=~"$job"}[5m]))) / b or c')).toEqual([
      'a_bucket',
      'b',
      'c',
    ]);
  });

  it('names only metrics the running server exposes', async () => {
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    const exposed = declaredSeries(await response.text());
    // The embedded database has no connection pool to report on (src/metrics/database.ts).
    const poolOnly = /^database_/;
    const missing = expressions.flatMap(({ panel, expr }) =>
      metricNames(expr)
        .filter((name) => !exposed.has(name))
        .filter((name) => !(t.app.database.driver === 'pglite' && poolOnly.test(name)))
        .map((name) => `${panel.title}: ${name}`),
    );
    expect(missing).toEqual([]);
    expect(expressions.every(({ expr }) => metricNames(expr).length > 0)).toBe(true);
  });

  it('writes every query in valid PromQL (promtool check rules, each as a recording rule)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-rules-'));
    try {
      const rules = expressions.map(
        ({ expr }, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(filled(expr))}`,
      );
      const file = path.join(dir, 'dashboard.rules.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const { stdout } = await run('promtool', ['check', 'rules', file]).catch(
        (error: { stdout?: string; stderr?: string }) => {
          throw new Error(`promtool check rules failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
        },
      );
      expect(stdout).toContain(`SUCCESS: ${expressions.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
