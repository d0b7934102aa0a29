// Profiles the API's two measured operations: `npx tsx bench/profile.ts [send|list] [seconds]`.
// Starts bench/server.ts's `api` under --cpu-prof on a fresh PostgreSQL database, loads it with 32
// clients (after a 3 s warm-up), stops it, and prints the server's CPU per request (from /proc)
// and where it went in the timed window: self time by package and by function, inclusive time.
// PROFILE=0 measures without the profiler; PROFILE_NODE_FLAGS adds flags to the server's node;
// WINDOWS=n measures n timed windows one after another in the same process, each with the heap held after it.
// The profiler's native entries (socket writes especially) count wall time, descheduling included.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { configSchema } from '../src/config.js';
import { decodeGlobalID } from '../src/graphql/globalId.js';
import { benchEnv, graphql, keepAliveAgent, LIST, runLoad, SEND, SIGN_UP, seedListInvitations } from './lib.js';

const [operation = 'send', secondsArg = '10'] = process.argv.slice(2);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '..');
const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A process's CPU time so far (user + system), in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CLOCK_MONOTONIC in µs, the clock the profile's timestamps use, shared by both processes. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function packageOf(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '').replace(`${root}/`, '');
}

function report(profile: Profile, requests: number, window: [number, number]) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window[0] || at > window[1]) continue;
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id) as ProfileNode;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || '(anonymous)'} ${packageOf(url)}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const pkg = packageOf(url).split(':')[0] as string;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url, lineNumber } = (byId.get(cur) as ProfileNode).callFrame;
      if (!url || url.startsWith('node:')) continue;
      seen.add(`${functionName || '(anonymous)'} ${packageOf(url)}:${lineNumber + 1}`);
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
  const show = (title: string, map: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000 / requests).toFixed(3)} ms/req  ${k}`);
    }
  };
  const idle = byFunction.get('(idle) (native):1') ?? 0;
  console.log(
    `profiled ${(total / 1e6).toFixed(1)} s of samples over ${requests} requests: ${((total - idle) / 1000 / requests).toFixed(3)} ms of CPU per request`,
  );
  show('self time by package or file', byPackage, 40);
  show('self time by function', byFunction, 50);
  show('inclusive time by function (outside node:)', inclusive, Number(process.env.PROFILE_INCLUSIVE ?? 80));
}

/** The server's memory after a full collection (bench/server.ts answers 'memory'; node runs with --expose-gc). */
function heldMemory(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    const on = (m: { memory?: NodeJS.MemoryUsage }) => {
      if (!m.memory) return;
      child.off('message', on);
      resolve(m.memory);
    };
    child.on('message', on);
    child.send('memory');
  });
}

async function main() {
  const name = `invitation_prof_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const profDir = mkdtempSync(path.join(os.tmpdir(), 'invitation-prof-'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'invitation-prof-data-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in configSchema.shape)));
  const env = { ...inherited, ...benchEnv(url.toString(), dataDir) };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.PROFILE_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      '--expose-gc',
      ...(process.env.PROFILE === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`]),
      '--import',
      'tsx',
      path.join(benchDir, 'server.ts'),
      'api',
    ],
    { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const gql = `http://127.0.0.1:${port}/graphql`;
  const agent = keepAliveAgent(32);
  const owners: { token: string; organization: { id: string }; user: { id: string } }[] = [];
  for (let i = 0; i < 33; i++) {
    const d = await graphql<{ signUp: { token: string; organization: { id: string }; user: { id: string } } }>(
      agent,
      gql,
      SIGN_UP,
      {
        input: {
          email: `p${i}-${name}@bench.example.com`,
          password: 'correct horse battery staple',
          name: 'P',
          organizationName: `O${i}`,
        },
      },
    );
    owners.push(d.signUp);
  }
  const listOwner = owners.pop() as (typeof owners)[number];
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await seedListInvitations(
    sql,
    decodeGlobalID(listOwner.organization.id).id,
    decodeGlobalID(listOwner.user.id).id,
    1000,
  );
  const tag = randomBytes(3).toString('hex');
  const request =
    operation === 'send'
      ? async (c: number, seq: number) => {
          const o = owners[c] as (typeof owners)[number];
          const d = await graphql<{ sendInvitation: { __typename: string } }>(
            agent,
            gql,
            SEND,
            { input: { organizationId: o.organization.id, email: `i-${tag}-${c}-${seq}@example.com`, role: 'MEMBER' } },
            o.token,
          );
          return d.sendInvitation.__typename === 'SendInvitationPayload'
            ? (true as const)
            : d.sendInvitation.__typename;
        }
      : async () => {
          await graphql(agent, gql, LIST, { organizationId: listOwner.organization.id }, listOwner.token);
          return true as const;
        };
  const seconds = Number(secondsArg);
  const windows = Number(process.env.WINDOWS ?? 1);
  let round = 0;
  const tagged = (c: number, seq: number) => request(c, round * 1_000_000 + seq);
  await runLoad(32, 3000, tagged);
  const from = nowUs();
  let ok = 0;
  // More than one window shows whether a request costs more the longer the process runs.
  for (round = 1; round <= windows; round++) {
    const cpuFrom = cpuMs(child.pid as number);
    const result = await runLoad(32, seconds * 1000, tagged);
    const cpu = cpuMs(child.pid as number) - cpuFrom;
    ok += result.ok;
    const held = await heldMemory(child);
    console.log(
      `window ${round}: server CPU (from /proc) ${(cpu / result.ok).toFixed(3)} ms per answered request; ${operation}: ${result.throughput.toFixed(1)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, ${result.ok} ok, ${result.errors} errors ${result.errorSamples[0] ?? ''}; heap held ${(held.heapUsed / 2 ** 20).toFixed(1)} MB, rss ${(held.rss / 2 ** 20).toFixed(0)} MB`,
    );
  }
  const to = nowUs();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
  await sql.end();
  await admin.unsafe(`drop database "${name}" with (force)`);
  await admin.end();
  const file = readdirSync(profDir).find((f) => f.endsWith('.0.001.cpuprofile'));
  if (!file) return;
  const profile = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as Profile;
  // Sign-ups (argon2) and start-up are in the profile too; only the load's requests are counted.
  report(profile, ok, [from, to]);
  console.log(`profile: ${path.join(profDir, file)}`);
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
