import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/lib/canonicalJson.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth, so key order does not change the text', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 2, y: 1 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":1,"z":2}]},"b":1}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('drops keys whose value is undefined and keeps null ones', () => {
    expect(canonicalJson({ a: undefined, b: null, c: 1 })).toBe('{"b":null,"c":1}');
    expect(canonicalJson({ a: undefined })).toBe(canonicalJson({}));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('writes undefined and null alike as null where JSON has no absent value', () => {
    expect(canonicalJson([undefined, null, 1])).toBe('[null,null,1]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(null)).toBe('null');
  });

  it('writes scalars and dates as JSON does', () => {
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson({ at: new Date('2024-01-02T03:04:05.000Z') })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });
});
