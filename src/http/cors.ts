// Which browser origins may call the API, from CORS_ORIGINS. Credentials travel as bearer tokens,
// never cookies, so no origin is ever granted credentials.
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';

const ALLOWED_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'idempotency-key',
  'last-event-id',
  'x-request-id',
  'x-graphql-yoga-csrf',
  'graphql-preflight',
];

/** yoga's per-request CORS options: the caller's origin echoed when allowed, no CORS headers otherwise. */
export function corsFor(config: Pick<Config, 'corsOrigins'>) {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || (config.corsOrigins !== '*' && !config.corsOrigins.includes(origin))) return false as const;
    return {
      origin,
      credentials: false,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ALLOWED_HEADERS,
      maxAge: 600,
    };
  };
}

/**
 * `Vary: Origin` on every response: whether CORS headers are answered, and which origin they name,
 * depends on the request's Origin in every configuration (one allowed origin too, since others get
 * none), so a shared cache must not hand one origin's answer to another. yoga adds it only when
 * several origins are listed; this runs after its CORS headers are set.
 */
export const varyOnOrigin: Plugin = {
  onResponse({ response }) {
    const vary = response.headers.get('vary');
    if (vary === '*') return;
    const listed = (vary ?? '').split(',').map((name) => name.trim().toLowerCase());
    if (!listed.includes('origin')) response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
  },
};
