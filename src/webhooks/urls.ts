// Whether an endpoint's URL may be saved: an absolute http(s) URL without credentials, https only
// in production, whose host resolves (now) only to addresses webhooks may go to (addresses.ts).
// The same address rule runs again at connect time (http.ts). Talks to DNS.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type AddressRules, addressRefusal } from './addresses.js';
import { WebhookUrlRefusedError } from './errors.js';

export interface UrlRules extends AddressRules {
  /** Plain http is refused: production, unless ALLOW_LOCAL_WEBHOOK_URLS. */
  httpsOnly: boolean;
}

export async function urlRefusal(raw: string, rules: UrlRules): Promise<WebhookUrlRefusedError | undefined> {
  if (!URL.canParse(raw)) return new WebhookUrlRefusedError('The URL is not an absolute URL');
  const url = new URL(raw);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return new WebhookUrlRefusedError('Webhook URLs use https');
  }
  if (url.protocol === 'http:' && rules.httpsOnly) return new WebhookUrlRefusedError('Webhook URLs use https');
  if (url.username || url.password) return new WebhookUrlRefusedError('The URL must not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return new WebhookUrlRefusedError(`${host} does not resolve`);
    }
  }
  const refusal = addresses.map((a) => addressRefusal(a, rules)).find((r) => r !== undefined);
  return refusal === undefined ? undefined : new WebhookUrlRefusedError(`Refused address: ${refusal}`);
}
