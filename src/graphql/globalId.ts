// Relay global ids: base64url of "Type:uuid". Every row id is a uuid, so anything else is refused
// here, before it can reach SQL as a malformed value.
import { PothosValidationError } from '@pothos/core';
import { isUuid } from '../lib/uuid.js';

export function encodeGlobalID(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

export function decodeGlobalID(globalID: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalID, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  const typename = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  if (colon <= 0 || !isUuid(id) || encodeGlobalID(typename, id) !== globalID.replace(/=+$/, '')) {
    throw new PothosValidationError('Invalid ID');
  }
  return { typename, id: id.toLowerCase() };
}
