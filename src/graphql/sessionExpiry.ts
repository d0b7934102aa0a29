// A subscription lasts no longer than the credential it was opened with: at the token's expiry the
// stream sends one last result, an UNAUTHENTICATED error saying why, and ends; nothing the source
// yields after that is sent. An envelop hook, so every door that subscribes (SSE, graphql-ws) is
// covered; graphql-ws also closes the whole socket then (ws/server.ts), which comes first.
import { type ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Deadlines } from '../lib/deadlines.js';
import type { Context } from './context.js';

export const tokenExpired = () =>
  new GraphQLError('Your token expired: sign in again and resubscribe', { extensions: { code: 'UNAUTHENTICATED' } });

export function useSessionExpiry(deadlines: Deadlines): Plugin<Context> {
  return {
    onSubscribe: ({ args }) => ({
      onSubscribeResult: ({ result, setResult }) => {
        const expiresAt = args.contextValue.credentialExpiresAt;
        if (expiresAt && isAsyncIterable(result)) setResult(endingAt(result, deadlines, expiresAt));
      },
    }),
  };
}

/** `source` until `expiresAt`, then `tokenExpired()` once, then done; the source is ended then. */
function endingAt(
  source: AsyncIterable<ExecutionResult>,
  deadlines: Deadlines,
  expiresAt: Date,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  /** Wakes the pending next() at the expiry; a fresh one each time, so no wait outlives its turn. */
  let interrupt: (() => void) | undefined;
  const deadline = deadlines.at(expiresAt, () => interrupt?.());
  let state: 'open' | 'expired' | 'done' = 'open';
  const done = (): IteratorResult<ExecutionResult> => ({ done: true, value: undefined });

  const finish = async () => {
    state = 'done';
    deadline.cancel();
    await iterator.return?.();
  };

  const stream: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (state === 'open') {
        let next: IteratorResult<ExecutionResult> | 'expired';
        try {
          const expired = new Promise<'expired'>((resolve) => {
            interrupt = () => resolve('expired');
          });
          next = deadline.passed() ? 'expired' : await Promise.race([iterator.next(), expired]);
        } catch (error) {
          if (state === 'open') await finish();
          throw error;
        } finally {
          interrupt = undefined;
        }
        if (state !== 'open') return done();
        // An event that comes once the clock is past the expiry is not sent, swept or not.
        if (next !== 'expired' && !deadline.passed()) {
          if (next.done) await finish();
          return next;
        }
        state = 'expired';
      }
      if (state === 'expired') {
        // A source waiting for its next event may take return() only when one comes: don't wait.
        finish().catch(() => {});
        return { done: false, value: { errors: [tokenExpired()] } };
      }
      return done();
    },
    async return() {
      if (state !== 'done') await finish();
      return done();
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
