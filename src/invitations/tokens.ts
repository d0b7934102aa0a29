// Invitation tokens: a public selector to find the row and a 256-bit secret verifier of which only
// a SHA-256 hash is stored, compared in constant time.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const SHAPE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  token: string;
  selector: string;
  verifierHash: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function newInvitationToken(): NewToken {
  const selector = randomBytes(12).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  return { token: `${selector}.${verifier}`, selector, verifierHash: sha256(verifier) };
}

export function parseInvitationToken(token: string): { selector: string; verifier: string } | null {
  const match = SHAPE.exec(token.trim());
  return match?.[1] && match[2] ? { selector: match[1], verifier: match[2] } : null;
}

export function verifierMatches(verifier: string, storedHash: string): boolean {
  const given = Buffer.from(sha256(verifier), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export function inviteUrl(template: string, token: string): string {
  return template.replace('{token}', encodeURIComponent(token));
}

/**
 * The mailbox proof: a second secret that only the emailed link carries, never the link shown to
 * the inviter. It is an HMAC of the token under a key derived from the server's signing key, so
 * it rotates with the token and needs no storage; knowing the token does not give it. (Accept will
 * check it, by recomputing it in constant time; until then only the emails carry it.)
 */
export interface MailboxProofs {
  /** The link for the invitation email: the accept link with the proof in its fragment. */
  mailboxLink(link: string, token: string): string;
}

export function createMailboxProofs(secret: string): MailboxProofs {
  const key = Buffer.from(hkdfSync('sha256', secret, 'invitation-api', 'mailbox-proof-v1', 32));
  const proofOf = (token: string) => createHmac('sha256', key).update(token.trim()).digest('base64url');
  return { mailboxLink: (link, token) => `${link}#proof=${proofOf(token)}` };
}
