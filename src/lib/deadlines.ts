// Deadlines on the app's clock, for many holders and one timer: a sweep every second compares
// clock.now() with the soonest deadline, so a clock moved forward (a test clock) is noticed at the
// next sweep as surely as real time passing, and ten thousand sessions cost one timer, not ten
// thousand. A sweep with nothing due does one comparison.
import type { Clock } from './clock.js';

const SWEEP_MS = 1000;

export interface Deadline {
  /** Whether the deadline has passed by the clock, whether or not a sweep has noticed yet. */
  passed(): boolean;
  /** Never call its callback; safe to call again, or after it was called. */
  cancel(): void;
}

export interface Deadlines {
  /**
   * Calls `onPassed` once, at the first sweep at or after `at`. Deadlines due in one sweep are
   * called one after another in that sweep, in the order they were set. `onPassed` must not throw.
   */
  at(at: Date, onPassed: () => void): Deadline;
  /** Cancels every deadline and stops the timer. */
  close(): void;
}

interface Entry {
  at: number;
  onPassed: () => void;
}

export function createDeadlines({ clock, sweepMs = SWEEP_MS }: { clock: Clock; sweepMs?: number }): Deadlines {
  const entries = new Set<Entry>();
  /** No deadline is before this; it may be earlier than the soonest after a cancel, never later. */
  let soonest = Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

  function sweep() {
    const now = clock.now().getTime();
    if (now < soonest) return;
    const due: Entry[] = [];
    soonest = Number.POSITIVE_INFINITY;
    for (const entry of entries) {
      if (entry.at <= now) due.push(entry);
      else soonest = Math.min(soonest, entry.at);
    }
    for (const entry of due) entries.delete(entry);
    if (entries.size === 0) stop();
    for (const entry of due) entry.onPassed();
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  return {
    at(at, onPassed) {
      const entry: Entry = { at: at.getTime(), onPassed };
      entries.add(entry);
      soonest = Math.min(soonest, entry.at);
      // The timer runs only while some deadline waits, and never keeps the process alive.
      timer ??= setInterval(sweep, sweepMs).unref();
      return {
        passed: () => clock.now().getTime() >= entry.at,
        cancel: () => {
          entries.delete(entry);
          if (entries.size === 0) stop();
        },
      };
    },
    close() {
      entries.clear();
      soonest = Number.POSITIVE_INFINITY;
      stop();
    },
  };
}
