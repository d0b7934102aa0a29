// Writes schema/schema.graphql from the code-first schema; with --check, fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/graphql/schema.js';
import { contractViolations, FROZEN_HEADER } from './schema-contract.js';

const file = new URL('../schema/schema.graphql', import.meta.url);
const printed = `${FROZEN_HEADER}\n${printSchema(lexicographicSortSchema(schema))}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current !== printed) {
    console.error('schema/schema.graphql is stale: run `npm run schema:print` and commit it');
    process.exit(1);
  }
  console.log('schema/schema.graphql is current');
  const violations = await contractViolations(schema);
  if (violations.length > 0) {
    console.error(`The schema breaks clients of the frozen contract:\n${violations.join('\n')}`);
    process.exit(1);
  }
  console.log('no breaking change since the contract was frozen');
} else {
  writeFileSync(file, printed);
  console.log('wrote schema/schema.graphql');
}
