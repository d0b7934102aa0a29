// The frozen contract's guard: what it lets through and what it refuses.
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { breakingChanges, contractViolations } from '../scripts/schema-contract.js';
import { schema } from '../src/graphql/schema.js';

const before = buildSchema(`
  type Query { a: String  b: String @deprecated(reason: "use a")  e: Color }
  enum Color { RED GREEN @deprecated(reason: "gone") }
`);

const messages = async (sdl: string) => (await breakingChanges(before, buildSchema(sdl))).map((c) => c.message);

describe('the frozen contract', () => {
  it('lets additions through', async () => {
    expect(
      await messages(
        'type Query { a: String b: String @deprecated(reason: "use a") e: Color c: Int } enum Color { RED GREEN BLUE }',
      ),
    ).toEqual([]);
  });

  it('lets a field or enum value go only after it was deprecated', async () => {
    expect(await messages('type Query { a: String e: Color } enum Color { RED }')).toEqual([]);
    expect(
      await messages('type Query { b: String @deprecated(reason: "use a") e: Color } enum Color { GREEN }'),
    ).toEqual(["Field 'a' was removed from object type 'Query'", "Enum value 'RED' was removed from enum 'Color'"]);
  });

  it('refuses a changed type, even to a similar one', async () => {
    expect(await messages('type Query { a: Int b: String e: Color } enum Color { RED GREEN }')).toHaveLength(1);
  });

  it('holds for every committed version since the freeze and for the schema the code builds', async () => {
    expect(await contractViolations(schema)).toEqual([]);
  });
});
