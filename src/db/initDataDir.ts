// A new embedded database is created (initdb) in a short-lived child process: PGlite runs initdb
// in a second WASM instance whose memory (about 450 MB) the server would otherwise keep resident
// until a garbage collection that an idle process may never run. The server then opens the
// existing directory, as on every later start.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pgliteOptions } from './client.js';

const CHILD = `
const [entry, dir, options] = process.argv.slice(1);
const { PGlite } = require(entry);
PGlite.create(dir, JSON.parse(options)).then((db) => db.close());
`;

/** Creates the database in `dataDir` unless it already holds one (PG_VERSION). */
export async function initDataDir(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const child = spawn(process.execPath, ['-e', CHILD, entry, dataDir, JSON.stringify(pgliteOptions())], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0)
    throw new Error(`creating the embedded database in ${dataDir} failed (exit ${code}): ${stderr.trim()}`);
}
