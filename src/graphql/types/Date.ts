import { builder } from '../builder.js';

builder.scalarType('Date', {
  description: 'A calendar day, YYYY-MM-DD, read in the time zone given beside it',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new TypeError('Date must be a calendar day, YYYY-MM-DD');
    }
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
      throw new TypeError(`${value} is not a day of the calendar`);
    }
    return value;
  },
});
