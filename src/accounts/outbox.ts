// The port through which account emails (a password reset, an email verification) are queued, in
// the transaction that issues their token; delivery implements it, so nothing is lost when the
// mail server is down.
import type { Tx } from '../db/client.js';
import type { AccountLinkPurpose } from '../db/schema/index.js';

export interface AccountEmail {
  userId: string;
  purpose: AccountLinkPurpose;
  to: string;
  /** The secret link the email carries; stored sealed until it is sent. */
  link: string;
  expiresAt: Date;
}

export interface AccountOutbox {
  queue(tx: Tx, email: AccountEmail): Promise<void>;
  /** After the queueing transaction commits: wakes the delivery workers. */
  queued(): void;
}
