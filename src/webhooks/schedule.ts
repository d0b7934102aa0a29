// When a failed webhook delivery is tried again: the configured schedule (seconds before each
// retry, WEBHOOK_RETRY_SCHEDULE_SECONDS), each wait jittered by up to a fifth either way so
// receivers recovering from an outage are not hit by every sender at once; past its end, never
// (the delivery FAILED). Needs nothing.

/** Milliseconds to wait after the `tries`-th failed try, or undefined when the schedule is used up. */
export function retryDelayMs(tries: number, schedule: readonly number[], random = Math.random): number | undefined {
  const seconds = schedule[tries - 1];
  if (seconds === undefined) return undefined;
  return Math.round(seconds * 1000 * (0.8 + 0.4 * random()));
}
