// Starts the real server on a free port against the worker's database, and talks to it over HTTP.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';
import { afterAll, beforeAll } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/logger.js';
import { testDatabase } from './db.js';

export interface TestClock extends Clock {
  advance(seconds: number): void;
}

export function testClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
}

export interface RequestOptions {
  token?: string;
  /** Client address, sent as X-Forwarded-For (tests trust the proxy); random when not given. */
  ip?: string;
  headers?: Record<string, string>;
}

export interface GraphQLResult<R> {
  status: number;
  data?: R | null;
  errors?: GraphQLFormattedError[];
}

export interface TestApp {
  app: App;
  url: string;
  clock: TestClock;
  gql<R, V>(document: TypedDocumentNode<R, V>, variables?: V, options?: RequestOptions): Promise<GraphQLResult<R>>;
  post(body: unknown, options?: RequestOptions): Promise<Response>;
}

export function randomIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

export async function startTestApp(
  env: Record<string, string> = {},
  options: { database?: Database; logger?: Logger } = {},
): Promise<TestApp & { stop(): Promise<void> }> {
  const clock = testClock();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'invitation-api-test-'));
  const config = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'silent',
    // Background jobs act on the whole shared database with this app's clock: tests that need
    // them use a database of their own and turn them on.
    WORKER_ENABLED: 'false',
    EXPIRY_SWEEP_SECONDS: '0',
    RETENTION_SWEEP_SECONDS: '0',
    // Test servers mail to files or a local SMTP peer and link to localhost, in production mode too.
    ALLOW_FILE_MAILER: 'true',
    ALLOW_LOCAL_INVITE_URL: 'true',
    ALLOW_EMBEDDED_DATABASE: 'true',
    ...env,
  });
  const app = await buildApp(config, {
    clock,
    database: options.database ?? (await testDatabase()),
    logger: options.logger,
  });
  const { port } = await app.start(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;

  const post = (body: unknown, options: RequestOptions = {}) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': options.ip ?? randomIp(),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify(body),
    });

  return {
    app,
    url,
    clock,
    post,
    async gql(document, variables, options) {
      const response = await post({ query: print(document), variables }, options);
      const json = (await response.json()) as Omit<GraphQLResult<never>, 'status'>;
      return { status: response.status, ...json };
    },
    stop: () => app.stop(),
  };
}

/** The end of the app's delivery worker's current or next pass, for `eventually`: the worker writes in passes. */
export const workerPass = (t: TestApp) => () => {
  if (!t.app.worker) throw new Error('workerPass: this app runs no worker (WORKER_ENABLED=false)');
  return t.app.worker.nextPass();
};

/** One server per test file, started before its tests and stopped after them. */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  let started: Awaited<ReturnType<typeof startTestApp>> | undefined;
  beforeAll(async () => {
    started = await startTestApp(env);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = () => {
    if (!started) throw new Error('useTestApp: the server is not started yet');
    return started;
  };
  return {
    get app() {
      return current().app;
    },
    get url() {
      return current().url;
    },
    get clock() {
      return current().clock;
    },
    gql: (document, variables, options) => current().gql(document, variables, options),
    post: (body, options) => current().post(body, options),
  };
}
