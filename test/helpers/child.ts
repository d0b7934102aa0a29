// A real process of ours (the server, the worker, `npm start` itself), its output collected and
// awaited as it comes; every one started is SIGKILLed after its test (perFile.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { anyOf, eventually } from './eventually.js';

export const root = path.resolve(import.meta.dirname, '../..');
const running: ChildProcess[] = [];

/** Kills every process started since the last call and still running. */
export function killChildren() {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}

/** `node --import tsx <entry>` (or any command) with the test's DATABASE_URL removed unless given. */
export function run(command: string[], env: Record<string, string>) {
  const { DATABASE_URL: _db, TEST_DATABASE_URL: _test, ...inherited } = process.env;
  const [file = '', ...args] = command;
  const child = spawn(file, args, {
    cwd: root,
    env: { ...inherited, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = () => new Promise((resolve) => child.stdout?.once('data', resolve));
  const errors = () => new Promise((resolve) => child.stderr?.once('data', resolve));
  /** The first match of `pattern` in stdout and stderr together, waiting for it (or the exit). */
  const waitFor = async (pattern: RegExp) => {
    try {
      await eventually(
        async () => pattern.test(stdout + stderr) || child.exitCode !== null,
        (done) => done,
        anyOf([output, errors, () => exited]),
        90_000,
      );
    } catch {}
    const match = pattern.exec(stdout + stderr);
    if (!match) throw new Error(`no ${pattern} in output:\n${stdout}\n${stderr}`);
    return match;
  };
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

export const server = (env: Record<string, string>) => run([process.execPath, '--import', 'tsx', 'src/main.ts'], env);
export const worker = (env: Record<string, string>) => run([process.execPath, '--import', 'tsx', 'src/worker.ts'], env);

/** What a refusal printed, log lines (which start with a timestamp) left out. */
export const refusal = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\d{4}-\d\d-\d\dT/.test(line))
    .join('\n');
