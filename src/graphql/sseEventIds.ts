// Resuming the organisation feed over SSE the standard way: each `next` event of an SSE response
// whose data carries `invitationEvents.cursor` gets an `id: <cursor>` line, so an EventSource
// remembers it, and a reconnecting one sends it back as `Last-Event-ID`, which the request's
// context carries (`lastEventId`) for `invitationEvents` to take as `after` when the operation
// gives none. Only updates that select `cursor` get an id: the cursor is read from what was sent.
// Yoga's own SSE processor writes the stream; this only inserts the lines into its events.
import type { FetchAPI, Plugin } from 'graphql-yoga';

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
        const withIds = (response: Response) => withEventIds(response, fetchAPI);
        return answer instanceof Promise ? answer.then(withIds) : withIds(answer);
      }, SSE);
    },
  };
}

/**
 * The response with `id:` lines added when it is an event stream; any other as it is. Built with
 * yoga's own fetch classes, and a client that goes away cancels the source, so the subscription
 * behind it ends as it does without the ids.
 */
function withEventIds(response: Response, fetchAPI: FetchAPI): Response {
  const body = response.body;
  if (!body || !(response.headers.get('content-type') ?? '').startsWith(SSE)) return response;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  const stream = new fetchAPI.ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        pending += decoder.decode();
        if (pending) controller.enqueue(encoder.encode(pending));
        controller.close();
        return;
      }
      // Re-cut into whole events (ending in a blank line), each `next` given its id.
      pending += decoder.decode(value, { stream: true });
      for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
        controller.enqueue(encoder.encode(withId(pending.slice(0, end + 2))));
        pending = pending.slice(end + 2);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new fetchAPI.Response(stream, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
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
