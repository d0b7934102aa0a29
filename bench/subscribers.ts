// A process of graphql-ws subscribers for the fan-out benchmark: opens COUNT connections to URL,
// each subscribing to invitationEvents(ORGANIZATION_ID) as TOKEN's bearer, and records for every
// event how long after its `at` each subscriber received it. IPC: sends { ready } once every
// connection is acknowledged and subscribed; answers { report: invitationId, expected } with
// { latencies } once that many subscribers got it (or after a timeout, with what arrived).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const { URL: url = '', TOKEN: token = '', ORGANIZATION_ID: organizationId = '', COUNT = '0' } = process.env;
const count = Number(COUNT);
const arrivals = new Map<string, number[]>();
const QUERY = `subscription Feed($organizationId: ID!) {
  invitationEvents(organizationId: $organizationId) { type at invitation { id } }
}`;

type Update = { data?: { invitationEvents?: { at: string; invitation: { id: string } } } };

const clients = Array.from({ length: count }, () =>
  createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
  }),
);

let acknowledged = 0;
await Promise.all(
  clients.map(
    (client) =>
      new Promise<void>((resolve, reject) => {
        client.on('connected', () => {
          acknowledged++;
          resolve();
        });
        client.on('error', reject);
      }),
  ),
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
process.send?.({ ready: acknowledged });

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
