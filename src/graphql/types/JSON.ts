import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc8259',
  serialize: (value) => value,
  parseValue: (value) => value,
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

builder.scalarType('JSONObject', {
  description: 'A JSON object (never an array or a plain value).',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc8259#section-4',
  serialize: (value) => {
    if (!isObject(value)) throw new GraphQLError('JSONObject must be an object');
    return value;
  },
  parseValue: (value) => {
    if (!isObject(value)) throw new GraphQLError('JSONObject must be an object');
    return value;
  },
});
