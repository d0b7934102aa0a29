// One outbound webhook request, made safely: the address DNS gives is checked at connect time
// (a custom `lookup`, so a name cannot resolve to a refused address between saving and sending;
// an IP literal is checked before connecting, as Node does not look it up), a connect timeout and
// a timeout on the whole exchange, no redirects followed (a 3xx is an answer like any other), and
// at most `excerptBytes` of the answer read. Talks to DNS and the network.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type AddressRules, addressRefusal } from './addresses.js';

export interface CallLimits extends AddressRules {
  connectTimeoutMs: number;
  timeoutMs: number;
  excerptBytes: number;
}

export type CallResult =
  | { answered: true; status: number; excerpt: string; durationMs: number }
  | { answered: false; error: string; refused: boolean; durationMs: number };

export class RefusedAddressError extends Error {
  readonly code = 'EWEBHOOKREFUSED';
}

/** dns.lookup, refusing the answer when any address it gives is refused. */
export function guardedLookup(rules: AddressRules): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refusal = addresses.map((a) => addressRefusal(a.address, rules)).find((r) => r !== undefined);
      if (refusal !== undefined || addresses.length === 0) {
        return callback(new RefusedAddressError(`${hostname}: ${refusal ?? 'no address'}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

export function post(url: URL, headers: Record<string, string>, body: string, limits: CallLimits): Promise<CallResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<CallResult>((resolve) => {
    let done = false;
    let total: NodeJS.Timeout | undefined;
    const finish = (result: CallResult) => {
      if (done) return;
      done = true;
      clearTimeout(total);
      resolve(result);
    };
    const failed = (error: unknown) =>
      finish({
        answered: false,
        error: error instanceof Error ? error.message : String(error),
        refused: error instanceof RefusedAddressError,
        durationMs: elapsed(),
      });

    const host = bareHost(url.hostname);
    if (isIP(host) !== 0) {
      const refusal = addressRefusal(host, limits);
      if (refusal !== undefined) return failed(new RefusedAddressError(refusal));
    }
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'invitation-api-webhooks/1',
      },
      lookup: guardedLookup(limits),
      // A fresh connection per request: a pooled socket would skip the lookup and its check.
      agent: false,
    });
    total = setTimeout(() => {
      request.destroy(new Error(`no complete answer within ${limits.timeoutMs} ms`));
    }, limits.timeoutMs);
    request.on('socket', (socket) => {
      const connectTimer = setTimeout(() => {
        socket.destroy(new Error(`not connected within ${limits.connectTimeoutMs} ms`));
      }, limits.connectTimeoutMs);
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    request.on('error', failed);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = () => {
        response.destroy();
        request.destroy();
        finish({
          answered: true,
          status: response.statusCode ?? 0,
          excerpt: Buffer.concat(chunks).subarray(0, limits.excerptBytes).toString('utf8'),
          durationMs: elapsed(),
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (size >= limits.excerptBytes) return;
        chunks.push(chunk);
        size += chunk.length;
        // Enough read: the rest of the answer is not wanted.
        if (size >= limits.excerptBytes) settle();
      });
      response.on('end', settle);
      response.on('error', settle);
    });
    request.end(body);
  });
}
