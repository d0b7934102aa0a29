// The organization's members: change a role, remove someone, with the last-owner rule said up front.
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import type { Role } from '../gql/graphql.js';
import { Members as MembersQuery, RemoveMember, UpdateMemberRole } from './documents.js';
import { explainInline, OFFLINE } from './errors.js';

const ROLE_WORDS: Record<Role, string> = { OWNER: 'Owner', ADMIN: 'Admin', MEMBER: 'Member' };

type Member = { id: string; role: Role; user: { id: string; name: string; email: string } };

export function Members({ organizationId, viewerRole }: { organizationId: string; viewerRole: Role }) {
  const context = useMemo(() => ({ additionalTypenames: ['Membership'] }), []);
  const [{ data, fetching, error }] = useQuery({ query: MembersQuery, variables: { organizationId }, context });
  const members = data?.organization?.members.edges.map((edge) => edge.node) ?? [];
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members{data ? ` (${data.organization?.members.totalCount ?? 0})` : ''}</h2>
      <p className="hint">
        An organization always keeps at least one owner: the last owner can be neither demoted nor removed, so make
        someone else an owner first. Only owners may grant, change or remove the owner role.
      </p>
      {fetching && !data && <p role="status">Loading the members…</p>}
      {error && <p role="alert">The members could not be loaded. Reload the page to try again.</p>}
      <ul className="invitations">
        {members.map((member) => (
          <MemberRow key={member.id} member={member} organizationId={organizationId} viewerRole={viewerRole} />
        ))}
      </ul>
    </section>
  );
}

function MemberRow({
  member,
  organizationId,
  viewerRole,
}: {
  member: Member;
  organizationId: string;
  viewerRole: Role;
}) {
  const [role, setRole] = useState<Role>(member.role);
  const [problem, setProblem] = useState('');
  const [done, setDone] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [{ fetching: saving }, update] = useMutation(UpdateMemberRole);
  const [{ fetching: removing }, remove] = useMutation(RemoveMember);
  const who = member.user.name || member.user.email;
  const id = `member-${member.id}`;
  const roles: Role[] = viewerRole === 'OWNER' ? ['OWNER', 'ADMIN', 'MEMBER'] : ['ADMIN', 'MEMBER'];
  return (
    <li className="invitation" aria-labelledby={`${id}-name`} data-member={member.user.email}>
      <div className="summary">
        <strong id={`${id}-name`}>{who}</strong>
        <span>{member.user.email}</span>
        <span>Role: {ROLE_WORDS[member.role]}</span>
      </div>
      <form
        className="row actions"
        onSubmit={async (event) => {
          event.preventDefault();
          setProblem('');
          setDone('');
          const result = await update({ input: { organizationId, userId: member.user.id, role } });
          const payload = result.data?.updateMemberRole;
          if (payload?.__typename === 'UpdateMemberRolePayload')
            setDone(`${who} is now ${ROLE_WORDS[payload.membership.role]}.`);
          else {
            setRole(member.role);
            setProblem(payload ? explainInline(payload) : OFFLINE);
          }
        }}
      >
        <label htmlFor={`${id}-role`}>New role for {who}</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          {(roles.includes(member.role) ? roles : [member.role, ...roles]).map((r) => (
            <option key={r} value={r}>
              {ROLE_WORDS[r]}
            </option>
          ))}
        </select>
        <button type="submit" disabled={saving || role === member.role}>
          {saving ? 'Saving…' : 'Change role'}
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              disabled={removing}
              onClick={async () => {
                setProblem('');
                const result = await remove({ input: { organizationId, userId: member.user.id } });
                const payload = result.data?.removeMember;
                setConfirming(false);
                if (payload?.__typename !== 'RemoveMemberPayload')
                  setProblem(payload ? explainInline(payload) : OFFLINE);
              }}
            >
              {removing ? 'Removing…' : `Yes, remove ${who}`}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirming(true)}>
            Remove {who}…
          </button>
        )}
      </form>
      <p className="error" role="alert">
        {problem}
      </p>
      <p role="status">{done}</p>
    </li>
  );
}
