// Every cursor a client sends back is read here before a connection uses it. A cursor this server
// did not give out (not canonical base64, another prefix or shape, a value its column cannot hold)
// is refused with INVALID_CURSOR, so nothing forged reaches the plugins' decoding or SQL, where it
// would be an internal error. Keyset cursors are the drizzle plugin's: base64 of `DC:` and one
// tagged chunk per ordering column (`T:` and a JSON array of them for several); offset cursors the
// relay plugin's: base64 of `OffsetConnection:<n>`. Each connection field names its check with
// `cursorCheck(...)`; `checkCursorsFirst` runs it before the field's own resolver, and refuses to
// build a schema with a field that pages on cursors and names none.
import type { Column, Table } from 'drizzle-orm';
import { getColumns } from 'drizzle-orm';
import { defaultFieldResolver, GraphQLError, type GraphQLSchema, isObjectType } from 'graphql';
import { isWithinInstantRange } from '../lib/instants.js';
import { hasNul } from '../lib/text.js';
import { isUuid } from '../lib/uuid.js';

export interface PageArgs {
  after?: string | null;
  before?: string | null;
}

type Direction = 'asc' | 'desc';

const PAGE_ARGUMENTS = ['after', 'before'] as const;

export const invalidCursor = (argument: (typeof PAGE_ARGUMENTS)[number]) =>
  new GraphQLError(
    `The cursor in \`${argument}\` is not one this list gave out: page from a cursor it returned, or from the start.`,
    { extensions: { code: 'INVALID_CURSOR', argument } },
  );

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text inside a cursor, when it is base64 exactly as this server writes it. */
function cursorText(cursor: string): string | null {
  if (cursor === '') return null;
  const bytes = Buffer.from(cursor, 'base64');
  if (bytes.toString('base64') !== cursor) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function refuseInvalid(args: PageArgs, valid: (text: string) => boolean) {
  for (const argument of PAGE_ARGUMENTS) {
    const cursor = args[argument];
    if (cursor == null) continue;
    const text = cursorText(cursor);
    if (text === null || !valid(text)) throw invalidCursor(argument);
  }
}

const INTEGER = /^-?(0|[1-9]\d{0,15})$/;

/** What a chunk must be to hold a value of `column`, as the drizzle plugin writes one. */
function chunkRule(column: Column): (chunk: string) => boolean {
  const tagged = (tag: string, value: (payload: string) => boolean) => (chunk: string) =>
    chunk.startsWith(`${tag}:`) && value(chunk.slice(tag.length + 1));
  const integer = (min: number, max: number) => (payload: string) =>
    INTEGER.test(payload) && Number(payload) >= min && Number(payload) <= max;
  switch (column.dataType) {
    case 'object date':
      return tagged('D', (ms) => INTEGER.test(ms) && isWithinInstantRange(Number(ms)));
    case 'string uuid':
      return tagged('S', isUuid);
    case 'string':
      return tagged('S', (text) => !hasNul(text));
    case 'number int53':
      return tagged('N', integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    case 'number int32':
      return tagged('N', integer(-(2 ** 31), 2 ** 31 - 1));
    default:
      throw new Error(`cursors: no rule for ${column.name} (${column.dataType})`);
  }
}

/**
 * A keyset ordering of `table` and the check of the cursors paging on it. The ordering ends in a
 * unique column, so the drizzle plugin appends no tie-breaker and its cursors hold exactly these
 * columns, in this order.
 */
export function keysetOrder<O extends Record<string, Direction>>(table: Table, orderBy: O) {
  const columns = getColumns(table) as Record<string, Column>;
  const rules = Object.keys(orderBy).map((key) => {
    const column = columns[key];
    if (!column?.notNull) throw new Error(`cursors: ${key} is not a non-null column to page on`);
    return chunkRule(column);
  });
  const validChunk = (chunk: string): boolean => {
    const [only] = rules;
    if (rules.length === 1 && only) return only(chunk);
    if (!chunk.startsWith('T:')) return false;
    let parts: unknown;
    try {
      parts = JSON.parse(chunk.slice(2));
    } catch {
      return false;
    }
    return (
      Array.isArray(parts) &&
      parts.length === rules.length &&
      parts.every((part, i) => typeof part === 'string' && rules[i]?.(part))
    );
  };
  return {
    orderBy,
    /** Throws INVALID_CURSOR for an `after` or `before` this ordering never gave out. */
    checkCursors: (args: PageArgs) =>
      refuseInvalid(args, (text) => text.startsWith('DC:') && validChunk(text.slice(3))),
  };
}

const OFFSET = /^OffsetConnection:(0|[1-9]\d{0,15})$/;

/** Throws INVALID_CURSOR for an `after` or `before` that is not an offset cursor this server writes. */
export function checkOffsetCursors(args: PageArgs) {
  refuseInvalid(args, (text) => {
    const offset = OFFSET.exec(text)?.[1];
    return offset !== undefined && Number.isSafeInteger(Number(offset) + 1);
  });
}

type CursorCheck = (args: PageArgs & Record<string, unknown>) => void;

const CURSOR_CHECK = 'cursorCheck';

/** Field extensions naming how the field's `after` and `before` are checked. */
export const cursorCheck = (check: CursorCheck) => ({ [CURSOR_CHECK]: check });

/**
 * Runs each field's cursor check before its resolver (and so before the plugins': the drizzle
 * plugin skips its resolver when only `totalCount` is asked for). A cursor check reveals only
 * what the caller sent, so it may run before authorisation, as input validation does.
 */
export function checkCursorsFirst(built: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(built.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((arg) => arg.name === 'after' || arg.name === 'before')) continue;
      const check = field.extensions[CURSOR_CHECK] as CursorCheck | undefined;
      if (!check) throw new Error(`${type.name}.${field.name} pages on cursors and names no cursorCheck`);
      // A subscription's arguments are read once, when it starts; its resolver runs per event.
      const { subscribe } = field;
      if (subscribe) {
        field.subscribe = (source, args, context, info) => {
          check(args);
          return subscribe(source, args, context, info);
        };
        continue;
      }
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        check(args);
        return resolve(source, args, context, info);
      };
    }
  }
  return built;
}
