// Range handling for analytics: which ranges and time zones are accepted, and how a range is cut
// into the rollup periods (UTC hour, day, Monday week) that answer it. Pure; talks to nothing.
import { isWithinInstantRange } from '../lib/instants.js';
import { InvalidRangeError } from './errors.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export type Grain = 'HOUR' | 'DAY' | 'WEEK';
const GRAINS: [Grain, number, number][] = [
  ['HOUR', HOUR_MS, 0],
  ['DAY', DAY_MS, 0],
  // Weeks start on Monday: 1970-01-05 was the first.
  ['WEEK', 7 * DAY_MS, 4 * DAY_MS],
];

/**
 * [from, to) cut into the rollup periods that fit in it, the largest in the middle, and the partial
 * hours at either end that only the invitations themselves can answer.
 */
export function rangePieces(from: Date, to: Date) {
  const periods: { grain: Grain; from: Date; to: Date }[] = [];
  const raw: [Date, Date][] = [];
  const add = (grain: Grain | null, a: number, b: number) => {
    if (a >= b) return;
    if (grain) periods.push({ grain, from: new Date(a), to: new Date(b) });
    else raw.push([new Date(a), new Date(b)]);
  };
  let [lo, hi] = [from.getTime(), to.getTime()];
  let finer: Grain | null = null;
  for (const [grain, unit, origin] of GRAINS) {
    const start = Math.ceil((lo - origin) / unit) * unit + origin;
    const end = Math.floor((hi - origin) / unit) * unit + origin;
    if (start >= end) break;
    add(finer, lo, start);
    add(finer, end, hi);
    [lo, hi, finer] = [start, end, grain];
  }
  add(finer, lo, hi);
  return { periods, raw };
}

const addYears = (date: Date, years: number) => {
  const copy = new Date(date);
  copy.setUTCFullYear(copy.getUTCFullYear() + years);
  return copy;
};

/** A range the analytics answer: not reversed, at most two years, between years 0001 and 9999. */
export function checkRange(from: Date, to: Date): InvalidRangeError | null {
  // A default edge (the live feed's, 30 days before `to`) may fall outside what the API holds.
  if (!isWithinInstantRange(from.getTime()) || !isWithinInstantRange(to.getTime())) {
    return new InvalidRangeError('The range must lie between the years 0001 and 9999');
  }
  if (from > to) return new InvalidRangeError('The range ends before it starts');
  if (to > addYears(from, 2)) return new InvalidRangeError('The range may span at most two years');
  return null;
}

// The days whose edges are instants the API holds (src/lib/instants.ts) in every time zone: a
// zone's offset is less than a day, and 0001-01-01 starts in year 0000 in UTC east of Greenwich.
const FIRST_DAY = '0001-01-02';
const LAST_DAY = '9999-12-30';

/** A range of calendar days, YYYY-MM-DD, both included. */
export function checkDayRange(from: string, to: string): InvalidRangeError | null {
  if (!DATE_PATTERN.test(from) || !DATE_PATTERN.test(to)) {
    return new InvalidRangeError('Dates are calendar days, YYYY-MM-DD');
  }
  if (from < FIRST_DAY || to > LAST_DAY) {
    return new InvalidRangeError(`Days run from ${FIRST_DAY} to ${LAST_DAY}`);
  }
  return checkRange(new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`));
}

/** IANA names only: offsets and POSIX strings read differently in PostgreSQL and in browsers. */
export function knownTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
