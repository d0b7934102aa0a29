// `npm start` and `npm run worker` run compiled JavaScript, not the TypeScript loader: this
// compiles src/ to dist/ (one file per module, the same layout, so paths relative to a module
// still hold) when a source is newer than the last build, and does nothing otherwise.
// Plain JavaScript, so it runs before anything is compiled.
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');

const sources = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => path.join(entry.parentPath, entry.name));

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};
const built = mtime(stamp);
// A removed source leaves the directory newer too.
const inputs = [
  ...sources,
  path.join(root, 'package.json'),
  ...readdirSync(src, { recursive: true }).map((p) => path.join(src, p)),
];
const stale = built === undefined || inputs.some((file) => (mtime(file) ?? Number.POSITIVE_INFINITY) > built);

if (stale || process.argv.includes('--force')) {
  rmSync(dist, { recursive: true, force: true });
  await build({
    entryPoints: sources,
    outdir: dist,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
