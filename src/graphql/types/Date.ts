import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

// The code carries over to the error of a variable holding it (graphql-js keeps the original's extensions).
const badDay = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

builder.scalarType('Date', {
  description:
    'A calendar day, YYYY-MM-DD (RFC 3339 full-date, years 0001 to 9999), read in the time zone given beside it.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) {
      throw badDay('Date must be a calendar day, YYYY-MM-DD');
    }
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
      throw badDay(`Date ${value} is not a day of the calendar`);
    }
    return value;
  },
});
