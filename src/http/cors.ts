// Which browser origins may call the API, from CORS_ORIGINS. Credentials travel as bearer tokens,
// never cookies, so no origin is ever granted credentials.
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
