// Each HTTP request's id: the caller's `x-request-id` when it is sane (bounded, a safe charset, so
// it cannot forge log lines or carry much), else a new UUID. Kept per Request, so the request's
// log line, its response header and what it queues (the delivery attempt's lines) all name one id.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

const sane = /^[A-Za-z0-9._:-]{1,128}$/;
const ids = new WeakMap<Request, string>();

export function requestId(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) {
    const given = request.headers.get(REQUEST_ID_HEADER);
    id = given !== null && sane.test(given) ? given : randomUUID();
    ids.set(request, id);
  }
  return id;
}
