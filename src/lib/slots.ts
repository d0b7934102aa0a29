// A continuous pool of at most `limit` tasks in flight: a task that hangs occupies one slot while
// the others finish and new ones start. Callers ask how many slots are free before taking work,
// and hear when one frees. Needs nothing but promises.

export interface Slots {
  /** How many more tasks may start now. */
  free(): number;
  /** Runs `task` in a slot (the caller checked `free()`); resolves when it settles, never rejects. */
  run(task: () => Promise<unknown>): Promise<void>;
  /** Resolves when a slot next frees (at once when one is free). */
  freed(): Promise<void>;
  /** Resolves once every task running now has settled. */
  idle(): Promise<void>;
}

export function createSlots(limit: number, onFree: () => void = () => {}): Slots {
  const running = new Set<Promise<void>>();
  let waiting: (() => void)[] = [];
  return {
    free: () => Math.max(0, limit - running.size),
    run(task) {
      const settled: Promise<void> = task()
        .then(
          () => {},
          () => {},
        )
        .finally(() => {
          running.delete(settled);
          const woken = waiting;
          waiting = [];
          for (const wake of woken) wake();
          onFree();
        });
      running.add(settled);
      return settled;
    },
    freed: () => (running.size < limit ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    async idle() {
      await Promise.all([...running]);
    },
  };
}
