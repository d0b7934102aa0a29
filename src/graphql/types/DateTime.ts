import { GraphQLError } from 'graphql';
import { isWithinInstantRange } from '../../lib/instants.js';
import { builder } from '../builder.js';

// RFC 3339 date-time with its offset, as graphql-scalars' DateTime; years 0001 to 9999 as written
// and in UTC (src/lib/instants.ts): 0001-01-01T00:00:00+01:00 is in year 0000 in UTC.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

// The code carries over to the error of a variable holding it (graphql-js keeps the original's extensions).
const badInstant = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function parseInstant(value: unknown): Date {
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!match) throw badInstant('DateTime must be an RFC 3339 instant, like 2026-11-01T09:30:00Z');
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(value as string);
  const calendar = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  if (
    !isWithinInstantRange(date.getTime()) ||
    year === 0 ||
    calendar.getUTCMonth() !== (month ?? 1) - 1 ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59
  ) {
    throw badInstant(`DateTime ${value} is not a real instant between years 0001 and 9999 (in UTC as well)`);
  }
  return date;
}

builder.scalarType('DateTime', {
  description:
    'An instant: an RFC 3339 date-time with its offset on input (years 0001 to 9999, in UTC as well), always UTC (…Z) on output.',
  specifiedByURL: 'https://scalars.graphql.org/andimarek/date-time',
  serialize: (value) => value.toISOString(),
  parseValue: parseInstant,
});
