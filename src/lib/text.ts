// Rules for text that is stored and that people read, shared by every input schema.

/** PostgreSQL stores no U+0000 in text or jsonb: such a value is refused at the edge, never sent. */
export const hasNul = (text: string) => text.includes('\u0000');

/** Any string (key or value) inside a JSON value that PostgreSQL could not store. */
export function jsonHasNul(value: unknown): boolean {
  if (typeof value === 'string') return hasNul(value);
  if (Array.isArray(value)) return value.some(jsonHasNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => hasNul(k) || jsonHasNul(v));
  return false;
}

// Direction overrides and isolates, and zero-width characters that hide text: they make an email
// or a preview read other than what it holds ("Trojan Source", CVE-2021-42574). Zero-width joiner
// and non-joiner stay allowed: emoji sequences and several scripts need them.
const DECEPTIVE = /[\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

/** Text shown to other people (names, messages) holds no direction-changing or invisible characters. */
export const isReadable = (text: string) => !DECEPTIVE.test(text);

export const UNREADABLE_MESSAGE = 'must not contain invisible or direction-changing characters';
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
