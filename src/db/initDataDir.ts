// A new embedded database is a copy of a template, initdb and the migrations done: initdb inside
// PGlite's WASM takes seconds (about 5.5 on this machine kind), copying what it wrote takes a few
// milliseconds. The template is made once per install (`npm install` runs dist/db/template-cli.js)
// for this PGlite version, these start parameters and these migrations, under node_modules/.cache;
// a server that finds none makes it first.
// initdb runs in a short-lived child process: PGlite runs it in a second WASM instance whose
// memory (about 450 MB) the server would otherwise keep resident until a garbage collection that
// an idle process may never run. The server then opens the directory, as on every later start.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pgliteOptions } from './client.js';
import { migrationsFolder } from './migrationsFolder.js';

const MARKER = 'PG_VERSION';

// initdb, then the bundled migrations: a new database starts with its schema, and the server's
// migrator finds nothing to do (the DDL would grow the server's WASM heap by about 35 MB for good).
const CHILD = `
const [entry, drizzleEntry, migratorEntry, dir, options, migrationsFolder] = process.argv.slice(1);
const { PGlite } = require(entry);
const { drizzle } = require(drizzleEntry);
const { migrate } = require(migratorEntry);
PGlite.create(dir, JSON.parse(options)).then(async (client) => {
  await migrate(drizzle({ client }), { migrationsFolder });
  await client.close();
});
`;

const resolve = (specifier: string) => createRequire(import.meta.url).resolve(specifier);
const pgliteEntry = () => resolve('@electric-sql/pglite');

const pglitePackageDir = () => path.resolve(path.dirname(pgliteEntry()), '..');

/** This install's cache: node_modules/@electric-sql/pglite → node_modules/.cache/invitation-api. */
const installCacheDir = () => path.resolve(pglitePackageDir(), '..', '..', '.cache', 'invitation-api');

/** Where the template for this PGlite version, these start parameters and these migrations lives under `cacheDir`. */
function dataDirTemplatePath(cacheDir: string): string {
  const packageJson = readFileSync(path.join(pglitePackageDir(), 'package.json'), 'utf8');
  const { version } = JSON.parse(packageJson) as { version: string };
  const key = createHash('sha256').update(JSON.stringify(pgliteOptions()));
  for (const migration of readdirSync(migrationsFolder).sort()) {
    const file = path.join(migrationsFolder, migration, 'migration.sql');
    if (existsSync(file)) key.update(migration).update(readFileSync(file));
  }
  return path.join(cacheDir, `pglite-${version}-${key.digest('hex').slice(0, 12)}`);
}

async function runInitdb(dataDir: string): Promise<void> {
  const args = [
    pgliteEntry(),
    resolve('drizzle-orm/pglite'),
    resolve('drizzle-orm/pglite/migrator'),
    dataDir,
    JSON.stringify(pgliteOptions()),
    migrationsFolder,
  ];
  const child = spawn(process.execPath, ['-e', CHILD, ...args], {
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

/**
 * The template's path, made first when missing. It is written beside its final place and renamed
 * into it, so a reader never sees half of one and two makers at once both end with one.
 */
export async function prepareDataDirTemplate(cacheDir = installCacheDir()): Promise<string> {
  const template = dataDirTemplatePath(cacheDir);
  if (existsSync(path.join(template, MARKER))) return template;
  const partial = `${template}.${randomUUID()}.partial`;
  mkdirSync(partial, { recursive: true });
  try {
    await runInitdb(partial);
    renameSync(partial, template);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Another process renamed its template into place first: use that one.
    if (!existsSync(path.join(template, MARKER))) throw error;
  }
  return template;
}

/** Creates the database in `dataDir` unless it already holds one (PG_VERSION). */
export async function initDataDir(dataDir: string, cacheDir = installCacheDir()): Promise<void> {
  if (existsSync(path.join(dataDir, MARKER))) return;
  let template: string;
  try {
    template = await prepareDataDirTemplate(cacheDir);
  } catch {
    // No template can be kept (a read-only install, say): create this one directory directly.
    await runInitdb(dataDir);
    return;
  }
  // PG_VERSION last: a copy cut short is not taken for a database on the next start.
  for (const entry of readdirSync(template)) {
    if (entry !== MARKER) cpSync(path.join(template, entry), path.join(dataDir, entry), { recursive: true });
  }
  cpSync(path.join(template, MARKER), path.join(dataDir, MARKER));
}
