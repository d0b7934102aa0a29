// The REST routes: which GraphQL operation (operations.ts) each one runs, where its variables come
// from, and what the OpenAPI document says of it. The legacy route (legacy.ts) adapts shapes around
// the same send.
export interface RestRoute {
  method: 'GET' | 'POST';
  /** OpenAPI-style path; `{name}` segments are variables of the operation. */
  path: string;
  operation: string;
  /** POST: the JSON body is this variable (an input object) rather than the variables themselves. */
  bodyVariable?: string;
  /** The status of a success answer. */
  successStatus: 200 | 201;
  summary: string;
  /** Takes the Idempotency-Key header. */
  idempotent?: boolean;
}

export const restRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/team/invite-enhanced',
    operation: 'RestSendInvitation',
    bodyVariable: 'input',
    successStatus: 201,
    idempotent: true,
    summary: 'Invite someone by email (sendInvitation), with an optional message, permissions, metadata and expiry.',
  },
  {
    method: 'POST',
    path: '/api/team/resend-invitation',
    operation: 'RestResendInvitation',
    bodyVariable: 'input',
    successStatus: 200,
    idempotent: true,
    summary: 'Send a pending invitation again with a new link (resendInvitation).',
  },
  {
    method: 'POST',
    path: '/api/team/cancel-invitation',
    operation: 'RestCancelInvitation',
    bodyVariable: 'input',
    successStatus: 200,
    summary: 'Withdraw a pending invitation, with an optional reason (cancelInvitation).',
  },
  {
    method: 'GET',
    path: '/api/team/invitation-analytics',
    operation: 'RestInvitationAnalytics',
    successStatus: 200,
    summary: 'A series of invitation counts per day, week or month (invitationAnalytics).',
  },
  {
    method: 'GET',
    path: '/api/team/invitation-stats',
    operation: 'RestInvitationStats',
    successStatus: 200,
    summary: 'How the invitations created in [from, to) fared (invitationStats).',
  },
  {
    method: 'GET',
    path: '/api/team/invitations',
    operation: 'RestInvitations',
    successStatus: 200,
    summary: 'The organization’s invitations, a page at a time (invitations).',
  },
  {
    method: 'GET',
    path: '/api/team/invitations/{id}',
    operation: 'RestInvitation',
    successStatus: 200,
    summary: 'One invitation with its timeline (invitation); another organization’s id answers 404.',
  },
];

/** The route a request names, with its path variables. */
export function matchRoute(
  routes: readonly RestRoute[],
  method: string,
  pathname: string,
): { route: RestRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(
      `^${route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    const match = pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] ?? '');
    });
    return { route, params };
  }
  return undefined;
}
