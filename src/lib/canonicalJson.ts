// Canonical JSON: equal data gives equal text, whatever the order of its keys. Keys are sorted (by
// UTF-16 code unit), a key whose value is undefined is dropped as JSON.stringify drops it, and null
// is kept: an explicit null is a value, not an absent field. Dates are their ISO string, as in JSON.

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
