// The client's address for audit rows and rate limits, from the socket or a trusted proxy's header.
import { isIP } from 'node:net';
import type { Config } from '../config.js';

/**
 * The client's address. Behind a trusted proxy, the rightmost X-Forwarded-For entry is the one
 * that proxy wrote; entries to its left are whatever the client sent.
 */
export function clientIp(
  config: Pick<Config, 'TRUST_PROXY'>,
  forwardedFor: string | string[] | null | undefined,
  socketAddress?: string,
) {
  if (config.TRUST_PROXY && forwardedFor) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const last = header.split(',').pop()?.trim() ?? '';
    if (isIP(last)) return last;
  }
  return socketAddress ?? null;
}
