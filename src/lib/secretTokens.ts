// Secret link tokens: a public selector to find the row and a 256-bit secret verifier of which only
// a SHA-256 hash is stored, compared in constant time. Invitation links and account links share them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SHAPE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  token: string;
  selector: string;
  verifierHash: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function newSecretToken(): NewToken {
  const selector = randomBytes(12).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  return { token: `${selector}.${verifier}`, selector, verifierHash: sha256(verifier) };
}

export function parseSecretToken(token: string): { selector: string; verifier: string } | null {
  const match = SHAPE.exec(token.trim());
  return match?.[1] && match[2] ? { selector: match[1], verifier: match[2] } : null;
}

export function verifierMatches(verifier: string, storedHash: string): boolean {
  const given = Buffer.from(sha256(verifier), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
