// Every setting comes from the environment, parsed once here; a bad value stops the process with a readable message.
import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const positiveInt = z.coerce.number().int().positive();

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.url().optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  // Production refuses the embedded database (one process, on this machine's disk) unless told so.
  ALLOW_EMBEDDED_DATABASE: bool.default(false),
  // How long start-up waits for PostgreSQL and Redis to answer, retrying with backoff.
  STARTUP_TIMEOUT_MS: positiveInt.default(30_000),
  // On SIGTERM/SIGINT, how long requests in flight have to finish before their connections are cut.
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  // How long anything waits for PostgreSQL (connecting, a free connection) before answering
  // DATABASE_UNAVAILABLE, and the Retry-After that answer carries.
  DATABASE_TIMEOUT_MS: positiveInt.default(5000),
  DATABASE_RETRY_AFTER_SECONDS: positiveInt.default(5),
  // How long /health and /ready wait for each dependency's answer.
  HEALTH_TIMEOUT_MS: positiveInt.default(2000),
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('invitation-api'),
  JWT_AUDIENCE: z.string().min(1).default('invitation-api'),
  JWT_TTL_SECONDS: positiveInt.default(3600),
  JWT_JWKS_URL: z.url().optional(),
  JWT_JWKS_ISSUER: z.string().min(1).optional(),
  JWT_JWKS_AUDIENCE: z.string().min(1).optional(),
  GRAPHIQL_ENABLED: bool.optional(),
  INTROSPECTION_ENABLED: bool.optional(),
  TRUST_PROXY: bool.default(false),
  CORS_ORIGINS: z.string().optional(),
  MAX_REQUEST_BYTES: positiveInt.default(100_000),
  MAX_QUERY_DEPTH: positiveInt.default(10),
  MAX_QUERY_ALIASES: positiveInt.default(15),
  MAX_QUERY_TOKENS: positiveInt.default(2000),
  MAX_QUERY_COST: positiveInt.default(5000),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: positiveInt.default(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt.default(900),
  PASSWORD_RESET_TTL_SECONDS: positiveInt.default(3600),
  EMAIL_VERIFICATION_TTL_SECONDS: positiveInt.default(86_400),
  ACCOUNT_EMAILS_PER_ADDRESS_HOUR: positiveInt.default(5),
  ACCOUNT_EMAILS_PER_CLIENT_HOUR: positiveInt.default(20),
  // An account is never locked: past this many failures from addresses it has not logged in
  // from, each further attempt from them waits longer (base, doubling, up to the max).
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(10),
  LOGIN_DELAY_BASE_SECONDS: positiveInt.default(1),
  LOGIN_DELAY_MAX_SECONDS: positiveInt.default(60),
  LOGIN_KNOWN_ADDRESS_DAYS: positiveInt.default(30),
  INVITE_URL_TEMPLATE: z
    .string()
    .refine((s) => s.includes('{token}'), 'must contain {token}')
    .optional(),
  CUSTOM_MESSAGES_ENABLED: bool.default(true),
  INVITATION_ANALYTICS_ENABLED: bool.default(true),
  INVITATION_EXPIRY_DAYS_DEFAULT: positiveInt.default(7),
  INVITATION_EXPIRY_DAYS_MAX: positiveInt.default(30),
  INVITATION_RATE_LIMIT_HOUR: positiveInt.default(50),
  INVITATION_RATE_LIMIT_DAY: positiveInt.default(200),
  INVITATION_RATE_LIMIT_WEEK: positiveInt.default(1000),
  RESEND_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(60),
  RESEND_DAILY_CAP: positiveInt.default(5),
  TOKEN_GUESS_LIMIT: positiveInt.default(20),
  TOKEN_GUESS_WINDOW_SECONDS: positiveInt.default(900),
  EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(0).default(60),
  // The retention sweep (src/retention): how often (0: never), rows per DELETE, and horizons.
  RETENTION_SWEEP_SECONDS: z.coerce.number().int().min(0).default(3600),
  RETENTION_BATCH_SIZE: positiveInt.default(1000),
  WEBHOOK_RECEIPT_RETENTION_DAYS: positiveInt.default(30),
  ACCOUNT_EMAIL_RETENTION_DAYS: positiveInt.default(30),
  SMTP_URL: z.url().optional(),
  // Production refuses to start with the file mailer (every accept link in DATA_DIR/outbox) or an
  // accept link on localhost (no invitee can open it), unless told that is intended.
  ALLOW_FILE_MAILER: bool.default(false),
  ALLOW_LOCAL_INVITE_URL: bool.default(false),
  SMTP_TIMEOUT_MS: positiveInt.default(10_000),
  MAIL_FROM: z.string().min(3).default('Invitations <invitations@localhost>'),
  REDIS_URL: z.url().optional(),
  // Redis may be away: the bus reconnects for ever, waiting at most this long between attempts.
  REDIS_RECONNECT_MAX_MS: positiveInt.default(2000),
  // How far back `invitationEvents(after:)` replays; an older cursor, or a gap of more events than
  // the maximum, is answered with CURSOR_EXPIRED (refetch, then follow from the start).
  FEED_RESUME_HORIZON_SECONDS: positiveInt.default(86_400),
  FEED_RESUME_MAX_EVENTS: positiveInt.default(1000),
  WORKER_ENABLED: bool.default(true),
  WORKER_ID: z.string().min(1).optional(),
  DELIVERY_MAX_TRIES: positiveInt.default(5),
  DELIVERY_BACKOFF_BASE_MS: positiveInt.default(2000),
  DELIVERY_BACKOFF_MAX_MS: positiveInt.default(300_000),
  DELIVERY_LEASE_SECONDS: positiveInt.default(60),
  DELIVERY_POLL_MS: positiveInt.default(500),
  DELIVERY_BATCH_SIZE: positiveInt.default(20),
  // Emails a worker has in flight at once, each sent on its own (a continuous pool: a hung
  // conversation takes one slot, the others keep flowing). More than the SMTP pool's connections
  // (5, or `?maxConnections=` on SMTP_URL) only queue inside the mailer.
  DELIVERY_CONCURRENCY: positiveInt.default(5),
  MX_LOOKUP_ENABLED: bool.default(false),
  MX_LOOKUP_TIMEOUT_MS: positiveInt.default(3000),
  WEBHOOK_SECRET: z.string().min(16).optional(),
  WEBHOOK_TOLERANCE_SECONDS: positiveInt.default(300),
  EMAIL_TRACKING_ENABLED: bool.default(false),
  // Webhooks out (src/webhooks): loopback and private addresses (never metadata ones) and plain
  // http in production are refused unless ALLOW_LOCAL_WEBHOOK_URLS; the retry schedule is the wait
  // before each retry, jittered by a fifth, then FAILED; an endpoint whose every attempt has failed
  // for WEBHOOK_DISABLE_AFTER_HOURS is disabled.
  ALLOW_LOCAL_WEBHOOK_URLS: bool.default(false),
  WEBHOOK_ENDPOINTS_PER_ORGANIZATION: positiveInt.default(20),
  WEBHOOK_RETRY_SCHEDULE_SECONDS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated seconds, e.g. 5,300,1800')
    .transform((s) => s.split(',').map(Number))
    .default([5, 300, 1800, 7200, 18_000, 36_000, 36_000]),
  WEBHOOK_DISABLE_AFTER_HOURS: positiveInt.default(72),
  WEBHOOK_CONNECT_TIMEOUT_MS: positiveInt.default(5000),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(15_000),
  WEBHOOK_RESPONSE_EXCERPT_BYTES: positiveInt.default(4096),
  WEBHOOK_CONCURRENCY: positiveInt.default(10),
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: positiveInt.default(2),
  WEBHOOK_DELIVERY_RETENTION_DAYS: positiveInt.default(30),
  DEMO_SEED: bool.optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // One JSON object a line, or `time LEVEL message {fields}`: JSON in production, text elsewhere.
  LOG_FORMAT: z.enum(['json', 'text']).optional(),
  // GET /metrics asks for `Authorization: Bearer <METRICS_TOKEN>` when set. In production it is
  // served only with a token, or with METRICS_PUBLIC=true when the network keeps it private.
  METRICS_TOKEN: z.string().min(16).optional(),
  METRICS_PUBLIC: bool.optional(),
  // Bounds each statement /metrics runs at scrape time (outbox depth and age).
  METRICS_COLLECT_TIMEOUT_MS: positiveInt.default(1000),
  // Traces are on when one of these is set (src/ops/tracing.ts); the OpenTelemetry SDK reads the
  // rest of its OTEL_* variables (headers, timeout, sampler, service name) itself.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
});

type Env = z.infer<typeof configSchema>;

export type Config = Omit<Env, 'INVITE_URL_TEMPLATE'> & {
  production: boolean;
  /**
   * Where this server is reached from outside: PUBLIC_URL, or localhost and PORT until the server
   * listens, then the address it is bound to (PORT=0 picks a free port): see app.start().
   */
  publicUrl: string;
  /** The accept link: INVITE_URL_TEMPLATE, else this server's own accept page at publicUrl. */
  INVITE_URL_TEMPLATE: string;
  /** True when INVITE_URL_TEMPLATE is this server's page, so it follows publicUrl to the bound port. */
  inviteUrlDefaulted: boolean;
  /** Where traces go, when they are on: OTEL_TRACES_EXPORTER, else `otlp` once an OTLP endpoint is set. */
  tracesExporter: 'otlp' | 'console' | undefined;
  /** LOG_FORMAT, else JSON in production and text elsewhere. */
  logFormat: 'json' | 'text';
  graphiql: boolean;
  introspection: boolean;
  demoSeed: boolean;
  /** Browser origins allowed to call the API: '*' for any, else exact origins. */
  corsOrigins: '*' | string[];
};

/** CORS_ORIGINS as a list of exact origins (or '*'); by default any origin outside production, only our own in it. */
function corsOrigins(value: string | undefined, production: boolean, publicUrl: string): '*' | string[] {
  if (value === undefined) return production ? [new URL(publicUrl).origin] : '*';
  const listed = value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (listed.includes('*')) return '*';
  const bad = listed.filter((origin) => !URL.canParse(origin) || new URL(origin).origin !== origin);
  if (bad.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  CORS_ORIGINS: ${bad.join(', ')} is not an origin like https://app.example.com (scheme, host, port; no path)`,
    );
  }
  return listed;
}

export class ConfigError extends Error {}

function tracesExporter(c: Env): Config['tracesExporter'] {
  if (c.OTEL_TRACES_EXPORTER === 'none') return undefined;
  if (c.OTEL_TRACES_EXPORTER) return c.OTEL_TRACES_EXPORTER;
  return c.OTEL_EXPORTER_OTLP_ENDPOINT || c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : undefined;
}

/** The accept page this server serves (web/), at `publicUrl`. */
export const defaultInviteUrl = (publicUrl: string) => `${publicUrl}/invite/{token}`;

/**
 * Once the server listens at `url`: without PUBLIC_URL, links (accept, reset, verify, tracking)
 * name that address, so a server on PORT=0 or another port than 4000 mails links that open.
 */
export function settleAddress(config: Config, url: string): void {
  if (config.PUBLIC_URL) return;
  config.publicUrl = url;
  if (config.inviteUrlDefaulted) config.INVITE_URL_TEMPLATE = defaultInviteUrl(url);
}

/** True when the link INVITE_URL_TEMPLATE makes points at this machine. */
function isLocalLink(template: string): boolean {
  const link = template.replace('{token}', 'token');
  if (!URL.canParse(link)) return false;
  const host = new URL(link).hostname.replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\./.test(host) ||
    host === '0.0.0.0' ||
    host === '::1' ||
    host === '::'
  );
}

/** What production needs and development does without, each a line of the refusal. */
function productionProblems(c: Env & { INVITE_URL_TEMPLATE: string }): string[] {
  const problems: string[] = [];
  if (!c.JWT_PRIVATE_KEY) problems.push('JWT_PRIVATE_KEY: required in production (a PKCS#8 PEM ES256 key)');
  if (!c.SMTP_URL && !c.ALLOW_FILE_MAILER) {
    problems.push(
      'SMTP_URL: required in production: without it emails, accept links and all, are only written to files under DATA_DIR/outbox (set ALLOW_FILE_MAILER=true if that is intended)',
    );
  }
  if (isLocalLink(c.INVITE_URL_TEMPLATE) && !c.ALLOW_LOCAL_INVITE_URL) {
    problems.push(
      `INVITE_URL_TEMPLATE: ${c.INVITE_URL_TEMPLATE} points at localhost, which no invitee can open; set it to your accept page (set ALLOW_LOCAL_INVITE_URL=true if that is intended)`,
    );
  }
  if (!c.DATABASE_URL && !c.ALLOW_EMBEDDED_DATABASE) {
    problems.push(
      'DATABASE_URL: required in production: without it the server runs on the embedded database in DATA_DIR, one process on this disk only (set ALLOW_EMBEDDED_DATABASE=true if that is intended)',
    );
  }
  return problems;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, so `FOO= npm start` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const publicUrl = (parsed.data.PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`).replace(/\/$/, '');
  const c = { ...parsed.data, INVITE_URL_TEMPLATE: parsed.data.INVITE_URL_TEMPLATE ?? defaultInviteUrl(publicUrl) };
  const production = c.NODE_ENV === 'production';
  const problems = production ? productionProblems(c) : [];
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  if (c.JWT_JWKS_URL && (!c.JWT_JWKS_ISSUER || !c.JWT_JWKS_AUDIENCE)) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_JWKS_ISSUER, JWT_JWKS_AUDIENCE: both required when JWT_JWKS_URL is set',
    );
  }
  if (c.INVITATION_EXPIRY_DAYS_DEFAULT > c.INVITATION_EXPIRY_DAYS_MAX) {
    throw new ConfigError(
      'Invalid configuration:\n  INVITATION_EXPIRY_DAYS_DEFAULT: must not exceed INVITATION_EXPIRY_DAYS_MAX',
    );
  }
  return {
    ...c,
    inviteUrlDefaulted: parsed.data.INVITE_URL_TEMPLATE === undefined,
    DATA_DIR: path.resolve(c.DATA_DIR),
    production,
    publicUrl,
    corsOrigins: corsOrigins(c.CORS_ORIGINS, production, publicUrl),
    logFormat: c.LOG_FORMAT ?? (production ? 'json' : 'text'),
    tracesExporter: tracesExporter(c),
    graphiql: c.GRAPHIQL_ENABLED ?? !production,
    introspection: c.INTROSPECTION_ENABLED ?? !production,
    // The demo account only ever appears on the embedded database, never on a real one.
    demoSeed: c.DEMO_SEED ?? (!production && !c.DATABASE_URL),
  };
}
