// Signing an account in: a bearer token in the account's current session generation.
import type { TokenService } from '../auth/tokens.js';
import type { User } from './store.js';

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

export function createSessions({ tokens }: { tokens: TokenService }) {
  return {
    /** Signs in a user another service has just created, verified or reclaimed. */
    async signIn(user: User): Promise<SignedIn> {
      const { token, expiresAt } = await tokens.sign(user.id, user.sessionGeneration);
      return { user, token, expiresAt };
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
