// The instants this API takes and gives: from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z,
// what an RFC 3339 date-time writes with four year digits in UTC, and what JavaScript and
// PostgreSQL both hold exactly (PostgreSQL refuses a year 0000; JavaScript prints +010000).

export const EARLIEST_INSTANT_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const LATEST_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Epoch milliseconds of an instant this API can store and print. */
export const isWithinInstantRange = (ms: number) =>
  Number.isInteger(ms) && ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS;
