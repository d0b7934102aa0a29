// Real subscription clients: graphql-ws over WebSocket and graphql-sse over Server-Sent Events.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { decodeGlobalID } from '../../src/graphql/globalId.js';
import type { TestApp } from './app.js';
import { changeSignal, eventually } from './eventually.js';

export interface Feed<R> {
  /** Every payload received so far. */
  items: R[];
  errors: unknown[];
  completed: boolean;
  /** Resolves at the next message, error or completion. */
  changed(): Promise<void>;
  /** Resolves once `predicate` holds for the items (or rejects after the timeout). */
  until(predicate: (items: R[]) => boolean, timeoutMs?: number): Promise<R[]>;
  close(): void;
}

function feed<R>(): Feed<R> & { push(item: R): void; fail(error: unknown): void; complete(): void } {
  const { notify, next } = changeSignal();
  const state = {
    items: [] as R[],
    errors: [] as unknown[],
    completed: false,
    push(item: R) {
      state.items.push(item);
      notify();
    },
    fail(error: unknown) {
      state.errors.push(error);
      notify();
    },
    complete() {
      state.completed = true;
      notify();
    },
    changed: next,
    async until(predicate: (items: R[]) => boolean, timeoutMs = 15_000) {
      try {
        return await eventually(async () => state.items, predicate, state.changed, timeoutMs);
      } catch {
        throw new Error(`feed timed out with ${JSON.stringify(state.items)} ${JSON.stringify(state.errors)}`);
      }
    },
    close: () => {},
  };
  return state;
}

/** What graphql-ws and graphql-sse clients have in common. */
interface Client {
  subscribe(
    request: { query: string; variables: Record<string, unknown> },
    sink: {
      next(message: { data?: unknown; errors?: unknown }): void;
      error(error: unknown): void;
      complete(): void;
    },
  ): () => void;
  dispose(): unknown;
}

function follow<R, V>(client: Client, document: TypedDocumentNode<R, V>, variables: V): Feed<R> {
  const out = feed<R>();
  const stop = client.subscribe(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (message) => (message.errors ? out.fail(message.errors) : out.push(message.data as R)),
      error: (error) => out.fail(error),
      complete: () => out.complete(),
    },
  );
  out.close = () => {
    stop();
    void client.dispose();
  };
  return out;
}

export function subscribeWs<R, V>(
  baseUrl: string,
  token: string | undefined,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Feed<R> {
  const client = createWsClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  return follow(client as Client, document, variables);
}

export function subscribeSse<R, V>(
  baseUrl: string,
  token: string | undefined,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Feed<R> {
  const client = createSseClient({
    url: `${baseUrl}/graphql`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  return follow(client as Client, document, variables);
}

/**
 * Resolves once `count` subscribers follow the organisation's invitation events on the app and
 * the bus delivers to them: an event after it reaches every one.
 */
export const organizationWatched = (t: TestApp, organizationGlobalId: string, count = 1) =>
  t.app.services.live.organizationWatched(decodeGlobalID(organizationGlobalId).id, count);

/** Resolves once every live stats feed of the organisation on the app has pushed what it has seen. */
export const statsFeedsSettled = (t: TestApp, organizationGlobalId: string) =>
  t.app.services.analytics.statsFeedsSettled(decodeGlobalID(organizationGlobalId).id);
