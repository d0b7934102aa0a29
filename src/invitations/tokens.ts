// Invitation links: the accept link shown to the inviter, and the mailbox proof only the emailed
// link carries. The token itself is a secret link token (lib/secretTokens.ts).
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export function inviteUrl(template: string, token: string): string {
  return template.replace('{token}', encodeURIComponent(token));
}

/**
 * The mailbox proof: a second secret that only the emailed link carries, never the link shown to
 * the inviter. It is an HMAC of the token under a key derived from the server's signing key, so
 * it rotates with the token and needs no storage; knowing the token does not give it. Accepting
 * without a verified account needs it: whoever presents it has read the invited mailbox.
 */
export interface MailboxProofs {
  /** The link for the invitation email: the accept link with the proof in its fragment. */
  mailboxLink(link: string, token: string): string;
  /** Whether `proof` is the one the email for `token` carried; constant time. */
  matches(token: string, proof: string | null | undefined): boolean;
}

export function createMailboxProofs(secret: string): MailboxProofs {
  const key = Buffer.from(hkdfSync('sha256', secret, 'invitation-api', 'mailbox-proof-v1', 32));
  const proofOf = (token: string) => createHmac('sha256', key).update(token.trim()).digest();
  return {
    mailboxLink: (link, token) => `${link}#proof=${proofOf(token).toString('base64url')}`,
    matches(token, proof) {
      if (!proof) return false;
      const given = Buffer.from(proof.trim(), 'base64url');
      const expected = proofOf(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
