// The development log format: pino's JSON line rewritten as `time LEVEL message {fields}`, an
// error's stack on the lines below it. Written here rather than pulled in (pino-pretty and its
// dependencies, a worker thread) for a dozen lines that run in the same thread as the write.

const hidden = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** One JSON line from pino as a readable line, newline included. */
export function readableLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const fields: Record<string, unknown> = {};
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (hidden.has(key)) continue;
    const stack = typeof value === 'object' && value !== null ? (value as { stack?: unknown }).stack : undefined;
    if (typeof stack === 'string') {
      const { stack: _stack, ...rest } = value as Record<string, unknown>;
      fields[key] = rest;
      stacks.push(stack.replace(/^/gm, '    '));
    } else {
      fields[key] = value;
    }
  }
  const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  const level = String(entry.level ?? 'info').toUpperCase();
  const head = `${String(entry.time ?? new Date().toISOString())} ${level} ${String(entry.msg ?? '')}${extra}`;
  return `${[head, ...stacks].join('\n')}\n`;
}
