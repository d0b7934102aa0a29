// Subscription fan-out: COUNT graphql-ws clients in a process of their own (bench/subscribers.ts)
// follow one organisation's invitationEvents; each measured event's latency per client runs from
// the event's recorded time to its arrival. The API records an event inside its transaction, so its
// figures also hold the rest of that transaction and its commit (a few milliseconds, up to ~30
// under load); the floor records just before it broadcasts. Memory per connection is the server's memory (JS heap
// and buffers, after a collection) with the clients connected, less without, over COUNT. Run
// against the API (the event: an invitation sent over HTTP) and against the floor server's bare
// graphql-ws broadcast (the event: POST /emit).
import { type ChildProcess, spawn } from 'node:child_process';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphql as graphqlRequest, percentile, reply } from './lib.js';

export interface FanoutFigures {
  subscribers: number;
  events: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Events that did not reach every subscriber within the timeout. */
  missed: number;
  memoryPerConnectionKb: number;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));

const SEND = `mutation FanoutSend($input: SendInvitationInput!) {
  sendInvitation(input: $input) { __typename ... on SendInvitationPayload { invitation { id } } }
}`;

/** What fan-out is measured against: a server process and how to make it publish one event. */
export interface FanoutTarget {
  server: ChildProcess;
  wsUrl: string;
  token: string;
  organizationId: string;
  /** Publishes one event; resolves with the id of the invitation it is about. */
  emit(): Promise<string>;
}

/** The API as a fan-out target: each event is an invitation sent over HTTP. */
export function apiFanoutTarget(options: {
  server: ChildProcess;
  graphqlUrl: string;
  agent: http.Agent;
  owner: { token: string; organizationGlobalId: string };
}): FanoutTarget {
  return {
    server: options.server,
    wsUrl: options.graphqlUrl.replace(/^http/, 'ws'),
    token: options.owner.token,
    organizationId: options.owner.organizationGlobalId,
    async emit() {
      const data = await graphqlRequest<{ sendInvitation: { invitation: { id: string } } }>(
        options.agent,
        options.graphqlUrl,
        SEND,
        {
          input: {
            organizationId: options.owner.organizationGlobalId,
            email: `fanout-${Math.random().toString(36).slice(2)}@bench.example.com`,
            role: 'MEMBER',
          },
        },
        options.owner.token,
      );
      return data.sendInvitation.invitation.id;
    },
  };
}

export async function benchFanout(options: {
  target: FanoutTarget;
  sizes: number[];
  events: number;
  log: (message: string) => void;
}): Promise<FanoutFigures[]> {
  const { target } = options;
  const held = async () => {
    const answer = reply<NodeJS.MemoryUsage>(target.server, 'memory');
    target.server.send('memory');
    const memory = await answer;
    return memory.heapUsed + memory.external;
  };
  /**
   * What the server holds once it has let go of the previous size's connections: they close some
   * time after their process exits, and weighing them as the baseline would halve the next figure.
   */
  const settled = async () => {
    let last = await held();
    for (let stable = 0, tries = 0; stable < 2 && tries < 30; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = await held();
      stable = now > last * 0.99 ? stable + 1 : 0;
      last = Math.min(last, now);
    }
    return last;
  };
  const send = () => target.emit();

  const figures: FanoutFigures[] = [];
  for (const subscribers of options.sizes) {
    const before = await settled();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'subscribers.ts')], {
      env: {
        ...process.env,
        URL: target.wsUrl,
        TOKEN: target.token,
        ORGANIZATION_ID: target.organizationId,
        COUNT: String(subscribers),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      await reply<number>(child, 'ready');
      const collect = (id: string, timeoutMs = 120_000) => {
        const answer = reply<number[]>(child, 'latencies');
        child.send({ report: id, expected: subscribers, timeoutMs });
        return answer;
      };
      // The server sets each subscription up some time after its client asked, so an early probe
      // reaches only some clients: probe until one reaches every client, then all are in place.
      const deadline = Date.now() + 120_000;
      while ((await collect(await send(), 10_000)).length < subscribers) {
        if (Date.now() > deadline) throw new Error(`fan-out: ${subscribers} subscriptions never all started`);
      }
      const after = await held();
      const latencies: number[] = [];
      let missed = 0;
      for (let i = 0; i < options.events; i++) {
        const got = await collect(await send());
        if (got.length < subscribers) missed++;
        latencies.push(...got);
      }
      latencies.sort((a, b) => a - b);
      figures.push({
        subscribers,
        events: options.events,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        maxMs: latencies.at(-1) ?? Number.NaN,
        missed,
        memoryPerConnectionKb: (after - before) / subscribers / 1024,
      });
      options.log(
        `fan-out to ${subscribers}: p95 ${percentile(latencies, 95).toFixed(0)} ms, ${((after - before) / subscribers / 1024).toFixed(1)} KB per connection`,
      );
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (child.connected) child.disconnect();
        await exited;
      }
    }
  }
  return figures;
}
