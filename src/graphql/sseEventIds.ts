// Resuming the organisation feed over SSE the standard way: each `next` event of an SSE response
// whose data carries `invitationEvents.cursor` gets an `id: <cursor>` line, so an EventSource
// remembers it, and a reconnecting one sends it back as `Last-Event-ID`, which the request's
// context carries (`lastEventId`) for `invitationEvents` to take as `after` when the operation
// gives none. Only updates that select `cursor` get an id: the cursor is read from what was sent.
// Yoga's own SSE processor writes the stream; this only inserts the lines into its events.
import type { Plugin } from 'graphql-yoga';

const SSE = 'text/event-stream';

export const acceptsEventStream = (request: Request) => (request.headers.get('accept') ?? '').includes(SSE);

export function useSseEventIds(): Plugin<{ lastEventId?: string | null }> {
  return {
    onContextBuilding({ context, extendContext }) {
      const request = (context as { request?: Request }).request;
      if (!request || !acceptsEventStream(request)) return;
      const lastEventId = request.headers.get('last-event-id');
      if (lastEventId !== null) extendContext({ lastEventId });
    },
    onResultProcess({ resultProcessor, setResultProcessor }) {
      // Yoga hands over the processor it chose, not the media type: its SSE processor is known by
      // name (test/feedResume.test.ts notices when an upgrade renames it).
      const processor = resultProcessor;
      if (processor?.name !== 'processSSEResult') return;
      setResultProcessor((result, fetchAPI, mediaType) => {
        const answer = processor(result, fetchAPI, mediaType);
        return answer instanceof Promise ? answer.then(withEventIds) : withEventIds(answer);
      }, SSE);
    },
  };
}

/** The response with `id:` lines added when it is an event stream; any other as it is. */
function withEventIds(response: Response): Response {
  if (!response.body || !(response.headers.get('content-type') ?? '').startsWith(SSE)) return response;
  return new Response(response.body.pipeThrough(eventIdLines()), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Re-cuts the stream into whole events (ending in a blank line) and gives each `next` its id. */
function eventIdLines(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
        const event = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        controller.enqueue(encoder.encode(withId(event)));
      }
    },
    flush(controller) {
      pending += decoder.decode();
      if (pending) controller.enqueue(encoder.encode(pending));
    },
  });
}

function withId(event: string): string {
  if (!event.startsWith('event: next\n')) return event;
  const data = /^data: (.*)$/m.exec(event)?.[1];
  const cursor = data ? cursorOf(data) : undefined;
  return cursor ? `event: next\nid: ${cursor}\n${event.slice('event: next\n'.length)}` : event;
}

function cursorOf(data: string): string | undefined {
  try {
    const cursor = (JSON.parse(data) as { data?: { invitationEvents?: { cursor?: unknown } } }).data?.invitationEvents
      ?.cursor;
    // An id line ends at a line break, and a NUL makes EventSource ignore it.
    return typeof cursor === 'string' && !/[\r\n\0]/.test(cursor) ? cursor : undefined;
  } catch {
    return undefined;
  }
}
