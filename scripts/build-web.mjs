// Builds web/ into web/dist unless web/dist was built from exactly these sources: `npm start`
// (prestart) and the tests call it, so a fresh clone serves a current build with no other command.
// `--force` builds anyway. Plain JavaScript, so prestart runs it without a TypeScript loader.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const stamp = path.join(dist, '.sources-hash');

/** Every file the build reads: web/ but its output, and the lockfile that pins the toolchain. */
function sourcesHash() {
  const hash = createHash('sha256');
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (full === dist || entry.name === 'node_modules') continue;
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(root, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(web);
  hash.update(readFileSync(path.join(root, 'package-lock.json')));
  return hash.digest('hex');
}

/**
 * Builds when stale; returns whether it built.
 * @param {{ force?: boolean; quiet?: boolean }} [options]
 * @returns {Promise<boolean>}
 */
export async function buildWeb(options = {}) {
  const hash = sourcesHash();
  if (!options.force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return false;
  const { build } = await import('vite');
  // Vite keeps a NODE_ENV already set: under the tests (NODE_ENV=test) it would build React's
  // development build, with the development JSX, into the same dist that npm start serves.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(web, 'vite.config.ts'),
      mode: 'production',
      logLevel: options.quiet ? 'warn' : 'info',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stamp, hash);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ force: process.argv.includes('--force') }).then(
    (built) => {
      if (!built) console.log('web/dist is current');
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
