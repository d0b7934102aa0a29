/**
 * Something that resolves when what a read sees may have changed: a feed's next message, the next
 * mail at the SMTP peer, the delivery worker's next pass. Called before each read, so a change
 * during the read is not missed.
 */
export type Wake = () => Promise<unknown>;

/** Reads until `done` holds, again each time `wake` says something may have changed; never on a timer. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  wake: Wake,
  timeoutMs = 15_000,
): Promise<T> {
  let last: { value: T } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`condition not reached; last value ${JSON.stringify(last?.value)}`)),
      timeoutMs,
    );
  });
  try {
    for (;;) {
      const changed = wake();
      const value = await read();
      last = { value };
      if (done(value)) return value;
      await Promise.race([changed, timedOut]);
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For a state only another process changes and nothing reports (a lock wait in PostgreSQL): read
 * again as soon as the last read returned, each read a round trip, with no timer between.
 */
export const rightAway: Wake = () => new Promise(setImmediate);

/** Any of `wakes`. */
export const anyOf =
  (wakes: Wake[]): Wake =>
  () =>
    Promise.race(wakes.map((wake) => wake()));

/** A change others can wait for: `next()` resolves at the following `notify()`. */
export function changeSignal() {
  let waiting: (() => void)[] = [];
  return {
    notify() {
      const woken = waiting;
      waiting = [];
      for (const wake of woken) wake();
    },
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
  };
}
