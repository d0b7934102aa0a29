// The per-request context: who is asking (verified once here), from where, and the services.
import { GraphQLError } from 'graphql';
import type { Membership, User } from '../accounts/service.js';
import type { Actor } from '../audit/log.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import type { Services } from '../services.js';

export interface Viewer {
  user: User;
}

export interface Context {
  db: Db;
  services: Services;
  viewer: Viewer | null;
  actor: Actor;
  clock: Clock;
  /** When the credential the request rests on expires (null without one): a subscription ends then. */
  credentialExpiresAt: Date | null;
  /** From the `Idempotency-Key` header; an input field of the same name wins. */
  idempotencyKey: string | null;
  /** From the `Last-Event-ID` header of an SSE request (sseEventIds.ts): where a reconnecting EventSource left off. */
  lastEventId?: string | null;
  /** The viewer's memberships, read with the viewer when the request starts. */
  memberships(): Promise<Membership[]>;
  /** A mutation changed the viewer's memberships: read them again on next use. */
  membershipsChanged(): void;
}

export type SignedInContext = Context & { viewer: Viewer; actor: Actor & { userId: string } };

export interface RequestFacts {
  authorization: string | null | undefined;
  idempotencyKey?: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The HTTP request's id (src/http/requestIds.ts); none over graphql-ws. */
  requestId?: string | null;
}

// Field-level refusals leave the HTTP status alone: the response may carry other fields' data,
// and an SSE client drops a stream whose status is not 2xx.
export const unauthenticated = (message = 'Sign in to do this') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });

export const forbidden = (message = 'You are not allowed to do this') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

export const notFound = (what: string) => new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND' } });

/** A credential that is present but not valid refuses the whole request. */
const badCredentials = () =>
  new GraphQLError('Invalid or expired credentials', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

function bearer(authorization: string): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  return match?.[1] ?? null;
}

/**
 * Resolves who is asking, with their memberships (read together: nearly every signed-in request
 * needs both) and when their credential expires; a credential that is present but not valid is
 * refused outright.
 */
export async function resolveViewer(
  services: Services,
  authorization: string | null | undefined,
): Promise<(Viewer & { memberships: Membership[]; expiresAt: Date }) | null> {
  if (authorization == null || authorization === '') return null;
  const token = bearer(authorization) ?? (authorization.includes(' ') ? null : authorization);
  const verified = token ? await services.tokens.verify(token) : null;
  const viewer = verified ? await services.accounts.viewerForToken(verified) : undefined;
  if (!verified || !viewer) throw badCredentials();
  return { ...viewer, expiresAt: verified.expiresAt };
}

export async function createContext(db: Db, services: Services, clock: Clock, facts: RequestFacts): Promise<Context> {
  const resolved = await resolveViewer(services, facts.authorization);
  let memberships: Promise<Membership[]> | undefined = Promise.resolve(resolved?.memberships ?? []);
  return {
    db,
    services,
    viewer: resolved && { user: resolved.user },
    actor: {
      userId: resolved?.user.id ?? null,
      ip: facts.ip,
      userAgent: facts.userAgent,
      requestId: facts.requestId ?? null,
    },
    clock,
    credentialExpiresAt: resolved?.expiresAt ?? null,
    idempotencyKey: facts.idempotencyKey ?? null,
    memberships: () => {
      memberships ??= resolved ? services.accounts.membershipsOf(resolved.user.id) : Promise.resolve([]);
      return memberships;
    },
    membershipsChanged: () => {
      memberships = undefined;
    },
  };
}
