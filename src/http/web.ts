// The web app built from web/ (scripts/build-web.mjs → web/dist), as a yoga plugin answering before
// GraphQL: the console at /, the pages an emailed link opens (/invite/:token, /reset-password,
// /verify-email) and the hashed assets. Pages are never cached and carry the content security
// policy; hashed assets are immutable for a year, and sent compressed (brotli or gzip, whichever
// the browser takes: a phone on a poor connection loads a third of the bytes). Talks to the file
// system only.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Which built page answers a path, if any. */
export function pageFor(pathname: string): 'index.html' | 'link.html' | undefined {
  if (pathname === '/') return 'index.html';
  if (/^\/invite\/[^/]+\/?$/.test(pathname) || pathname === '/reset-password' || pathname === '/verify-email') {
    return 'link.html';
  }
  return undefined;
}

/**
 * No script or style but our own files (no inline code at all), data only to this origin (HTTP,
 * SSE and graphql-ws: `'self'` covers ws: in CSP 3, the explicit ws origin covers older engines),
 * never framed, no plugins, forms post nowhere else.
 */
export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // Always revalidated, so a deploy's new asset names are seen at once.
  'cache-control': 'no-cache',
  // The path of /invite/<token> is a secret: no other site learns it from a Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding `accept-encoding` takes of ours (a `q=0` refuses one). */
export function chooseEncoding(accept: string | null): Encoding {
  const taken = new Set(
    (accept ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, ...params]) => !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param)))
      .map(([name]) => name?.trim()),
  );
  if (taken.has('br')) return 'br';
  if (taken.has('gzip')) return 'gzip';
  return 'identity';
}

const compress = {
  br: promisify(brotliCompress),
  gzip: promisify(gzip),
};

/** An asset's bytes in each encoding, compressed once (off the event loop) and kept: assets never change. */
async function encodeAsset(file: string): Promise<Record<Encoding, Buffer<ArrayBuffer>>> {
  const identity = await readFile(file);
  const [br, gzipped] = await Promise.all([
    compress.br(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
    compress.gzip(identity, { level: 9 }),
  ]);
  // zlib's buffers are plain ArrayBuffer-backed ones, as readFile's are.
  return { identity, br: br as Buffer<ArrayBuffer>, gzip: gzipped as Buffer<ArrayBuffer> };
}

export function createWebPages(options: { dist?: string } = {}): Plugin {
  const dist = options.dist ?? DIST;
  const pages = new Map<string, string>();
  const assets = new Map<string, Promise<Record<Encoding, Buffer<ArrayBuffer>>>>();
  const assetOf = (name: string) => {
    let encoded = assets.get(name);
    if (!encoded) {
      encoded = encodeAsset(path.join(dist, 'assets', name));
      assets.set(name, encoded);
      // A missing file is tried again next time (a build may be landing).
      encoded.catch(() => assets.delete(name));
    }
    return encoded;
  };
  const page = (name: string) => {
    let html = pages.get(name);
    if (html === undefined && existsSync(path.join(dist, name))) {
      html = readFileSync(path.join(dist, name), 'utf8');
      pages.set(name, html);
    }
    return html;
  };
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const name = pageFor(url.pathname);
      if (name) {
        const html = page(name);
        endResponse(
          html === undefined
            ? new fetchAPI.Response('The web app is not built: run `npm run build:web` (npm start does).', {
                status: 503,
                headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
              })
            : new fetchAPI.Response(request.method === 'HEAD' ? null : html, {
                headers: { ...PAGE_HEADERS, 'content-security-policy': contentSecurityPolicy(url.origin) },
              }),
        );
        return;
      }
      const asset = /^\/assets\/([\w.-]+)$/.exec(url.pathname)?.[1];
      const type = asset ? TYPES[path.extname(asset)] : undefined;
      if (!asset || !type) return;
      const encoding = chooseEncoding(request.headers.get('accept-encoding'));
      return assetOf(asset).then(
        (encoded) =>
          endResponse(
            new fetchAPI.Response(request.method === 'HEAD' ? null : encoded[encoding], {
              headers: {
                'content-type': type,
                ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
                vary: 'accept-encoding',
                // Names carry their content's hash: a changed file is a new name.
                'cache-control': 'public, max-age=31536000, immutable',
                'x-content-type-options': 'nosniff',
              },
            }),
          ),
        () =>
          endResponse(new fetchAPI.Response('Not found', { status: 404, headers: { 'cache-control': 'no-store' } })),
      );
    },
  };
}
