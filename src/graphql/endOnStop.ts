// When the server stops, every subscription ends as a finished stream (SSE sends `complete`,
// graphql-ws a Complete message before the socket closes with 1001): an envelop hook, so every
// door that subscribes is covered.
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

export function useEndOnStop(stopping: AbortSignal): Plugin {
  return {
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (isAsyncIterable(result)) setResult(endingOn(result as AsyncIterable<ExecutionResult>, stopping));
      },
    }),
  };
}

/** `source` until the signal, then done; the source is ended then. */
function endingOn(source: AsyncIterable<ExecutionResult>, signal: AbortSignal): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const stopped = new Promise<'stopped'>((resolve) => {
    if (signal.aborted) resolve('stopped');
    else signal.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  let done = false;
  const finish = async (): Promise<IteratorResult<ExecutionResult>> => {
    if (!done) {
      done = true;
      await iterator.return?.();
    }
    return { done: true, value: undefined };
  };
  return {
    async next() {
      if (done || signal.aborted) return finish();
      const next = await Promise.race([iterator.next(), stopped]);
      if (next === 'stopped') return finish();
      if (next.done) done = true;
      return next;
    },
    return: finish,
    async throw(error) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
