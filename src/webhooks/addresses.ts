// Which network addresses a webhook may be sent to: the one place for that rule, asked when an
// endpoint is saved and again at connect time, on the address DNS gave (http.ts), so a name that
// later resolves elsewhere (DNS rebinding) is still refused. Needs nothing but node:net.
import { BlockList, isIP } from 'node:net';

/** Never reachable, whatever the settings: cloud metadata, unspecified, multicast, broadcast, reserved. */
const never = new BlockList();
never.addAddress('169.254.169.254', 'ipv4');
never.addAddress('fd00:ec2::254', 'ipv6');
never.addSubnet('0.0.0.0', 8, 'ipv4');
never.addSubnet('224.0.0.0', 4, 'ipv4');
never.addSubnet('240.0.0.0', 4, 'ipv4');
never.addAddress('::', 'ipv6');
never.addSubnet('ff00::', 8, 'ipv6');

/** This machine and private networks: reachable only with ALLOW_LOCAL_WEBHOOK_URLS (tests, development). */
const local = new BlockList();
local.addSubnet('127.0.0.0', 8, 'ipv4');
local.addSubnet('10.0.0.0', 8, 'ipv4');
local.addSubnet('172.16.0.0', 12, 'ipv4');
local.addSubnet('192.168.0.0', 16, 'ipv4');
local.addSubnet('169.254.0.0', 16, 'ipv4');
local.addSubnet('100.64.0.0', 10, 'ipv4');
local.addSubnet('192.0.0.0', 24, 'ipv4');
local.addSubnet('198.18.0.0', 15, 'ipv4');
local.addAddress('::1', 'ipv6');
local.addSubnet('fc00::', 7, 'ipv6');
local.addSubnet('fe80::', 10, 'ipv6');
// NAT64 and 6to4 can embed any IPv4 address, private ones included.
local.addSubnet('64:ff9b::', 96, 'ipv6');
local.addSubnet('2002::', 16, 'ipv6');

export interface AddressRules {
  /** ALLOW_LOCAL_WEBHOOK_URLS: loopback and private ranges are allowed (metadata never is). */
  allowLocal: boolean;
}

/** Why webhooks may not go to `address` (an IP literal), or undefined when they may. */
export function addressRefusal(address: string, rules: AddressRules): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (never.check(address, type)) return `${address} is a metadata, unspecified, multicast or reserved address`;
  if (!rules.allowLocal && local.check(address, type)) {
    return `${address} is a loopback, private, link-local or shared address`;
  }
  return undefined;
}
