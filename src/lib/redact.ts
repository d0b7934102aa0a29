// What a log line may not carry, in one place: values under secret-sounding keys, and the shapes
// of our secrets wherever they turn up in text (an error message quoting a query, a URL, a header).
// The logger runs every message and every field through it, at every level.

export const REDACTED = '[redacted]';

/** Keys whose values are secret whatever they look like (matched anywhere in the key, any case). */
const SECRET_KEY =
  /password|passwd|token|authorization|cookie|secret|link|inviteurl|proof|jwt|private.?key|credential/i;

/** Secret shapes in free text, each with what stays of it. */
const SECRET_TEXT: [RegExp, string][] = [
  // An Authorization header's credentials, whatever the scheme's token looks like.
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  // A JWT (header.payload.signature, the header always starting `{"`).
  [/\beyJ[\w-]*\.[\w-]*(\.[\w-]*)?/g, REDACTED],
  // An invitation token: a 16-character selector and a 43-character verifier, base64url.
  [/(?<![\w-])[\w-]{16}\.[\w-]{43}(?![\w-])/g, REDACTED],
  // The accept page's path and the mailbox proof in an emailed link's fragment, whatever the token.
  [/\/invite\/[^\s"'<>#?&]+/gi, `/invite/${REDACTED}`],
  [/#proof=[^\s"'<>&]*/gi, `#proof=${REDACTED}`],
  // A token in a link's fragment or query (the password reset and email verification links).
  [/([#?&](?:token|access_token|code)=)[^\s"'<>&]*/gi, `$1${REDACTED}`],
  // A Cookie or Set-Cookie header quoted whole in text.
  [/\b((?:set-)?cookie:\s*)[^\r\n]+/gi, `$1${REDACTED}`],
  // An argon2 password hash (a failed query's parameters may quote one).
  [/\$argon2(?:id|i|d)\$[^\s"',]+/g, REDACTED],
  // The password of a URL's user info: smtp://user:password@host, postgres://user:password@host.
  [/\b([a-z][\w+.-]*:\/\/[^\s:/@"']*:)[^\s@/"']+@/gi, `$1${REDACTED}@`],
];

export function redactText(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of SECRET_TEXT) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

/** A copy of `value` fit for a log line: secret keys' values replaced, secret shapes scrubbed from text. */
export function redact(value: unknown, within = new Set<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  // An error's own fields are not enumerable: keep name, message and stack (the logger serializes
  // the errors of a line's own fields with pino's err serializer before they get here).
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) };
  }
  // What JSON.stringify would write for a Date, a URL, a Buffer: its toJSON(), scrubbed in turn.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  const json: unknown = typeof toJSON === 'function' ? toJSON.call(value) : value;
  if (json !== value) return redact(json, within);
  if (within.has(value)) return '[circular]';
  within.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redact(item, within));
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? REDACTED : redact(item, within)]),
    );
  } finally {
    within.delete(value);
  }
}
