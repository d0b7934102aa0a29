// A process of graphql-ws subscribers for the fan-out benchmark: opens COUNT connections to URL,
// each subscribing to invitationEvents(ORGANIZATION_ID) as TOKEN's bearer, and records for every
// event how long after its `at` each subscriber received it. IPC: sends { ready } once every
// connection is acknowledged and has sent its subscribe (the server may still be setting some up);
// answers { report: invitationId, expected } with { latencies } once that many subscribers got it
// (or after a timeout, with what arrived).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const { URL: url = '', TOKEN: token = '', ORGANIZATION_ID: organizationId = '', COUNT = '0' } = process.env;
const count = Number(COUNT);
const arrivals = new Map<string, number[]>();
const QUERY = `subscription Feed($organizationId: ID!) {
  invitationEvents(organizationId: $organizationId) { type at invitation { id } }
}`;

type Update = { data?: { invitationEvents?: { at: string; invitation: { id: string } } } };

// Connections open a few hundred at a time: 10k at once overflow the server's accept backlog, and
// the refused ones would fail the run for a reason that has nothing to do with fan-out.
const CONNECTING_AT_ONCE = 250;

function connect() {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
  });
  return new Promise<typeof client>((resolve, reject) => {
    client.on('connected', () => resolve(client));
    client.on('error', reject);
  });
}

const clients: Awaited<ReturnType<typeof connect>>[] = [];
let opened = 0;
await Promise.all(
  Array.from({ length: Math.min(CONNECTING_AT_ONCE, count) }, async () => {
    while (opened < count) {
      opened++;
      clients.push(await connect());
    }
  }),
);
for (const client of clients) {
  client.subscribe<Update['data']>(
    { query: QUERY, variables: { organizationId } },
    {
      next: (result) => {
        const update = result.data?.invitationEvents;
        if (!update) return;
        const list = arrivals.get(update.invitation.id) ?? [];
        list.push(Date.now() - Date.parse(update.at));
        arrivals.set(update.invitation.id, list);
      },
      error: (error) => console.error('subscription error', error),
      complete: () => {},
    },
  );
}
process.send?.({ ready: clients.length });

process.on('message', async (message: { report?: string; expected?: number; timeoutMs?: number }) => {
  if (message.report) {
    const until = Date.now() + (message.timeoutMs ?? 60_000);
    while ((arrivals.get(message.report)?.length ?? 0) < (message.expected ?? count) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    process.send?.({ latencies: arrivals.get(message.report) ?? [] });
  }
});
process.on('disconnect', () => {
  for (const client of clients) void client.dispose();
  process.exit(0);
});
