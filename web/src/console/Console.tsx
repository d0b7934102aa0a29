// The signed-in console: the organization picker, then sending and the invitation list for it.
import { useState } from 'react';
import { useQuery } from 'urql';
import type { Session } from '../shared/api.js';
import { NewOrganization, VerifyEmailNotice } from './Account.js';
import { AuditLog } from './AuditLog.js';
import { BulkSend } from './BulkSend.js';
import { Memberships } from './documents.js';
import { InvitationList } from './InvitationList.js';
import { Members } from './Members.js';
import { SendInvitation } from './SendInvitation.js';
import { Settings } from './Settings.js';
import { Stats } from './Stats.js';

const SECTION_NAMES = {
  invitations: 'Invitations',
  statistics: 'Statistics',
  members: 'Members',
  settings: 'Settings',
  audit: 'Audit log',
} as const;
type Section = keyof typeof SECTION_NAMES;

export function Console({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: Memberships });
  const memberships = data?.viewer?.memberships ?? [];
  const [chosen, setChosen] = useState<string>();
  const [view, setView] = useState<Section>('invitations');
  const membership = memberships.find((m) => m.organization.id === chosen) ?? memberships[0];
  const manages = membership && membership.role !== 'MEMBER';
  return (
    <>
      <header className="bar">
        <span>
          Signed in as <strong>{session.name || session.email}</strong>
        </span>
        {memberships.length > 1 && (
          <span className="field inline">
            <label htmlFor="organization">Organization</label>
            <select
              id="organization"
              value={membership?.organization.id}
              onChange={(event) => setChosen(event.currentTarget.value)}
            >
              {memberships.map((m) => (
                <option key={m.organization.id} value={m.organization.id}>
                  {m.organization.name}
                </option>
              ))}
            </select>
          </span>
        )}
        <NewOrganization
          onCreated={(organizationId) => {
            refetch({ requestPolicy: 'network-only' });
            setChosen(organizationId);
            setView('invitations');
          }}
        />
        <button type="button" onClick={onSignOut}>
          Log out
        </button>
      </header>
      <main>
        {data?.viewer && !data.viewer.user.emailVerified && <VerifyEmailNotice email={data.viewer.user.email} />}
        {fetching && !data && <p role="status">Loading…</p>}
        {error && <p role="alert">Your organizations could not be loaded. Reload the page to try again.</p>}
        {membership && <h1>{membership.organization.name}</h1>}
        {data && !membership && <p>You do not belong to an organization yet.</p>}
        {membership && !manages && (
          <p>
            Members see nothing here: ask an owner or an admin of {membership.organization.name} to make you an admin.
          </p>
        )}
        {membership && manages && (
          <nav aria-label="Sections" className="row sections">
            {(Object.keys(SECTION_NAMES) as Section[]).map((name) => (
              <button
                key={name}
                type="button"
                className={view === name ? '' : 'secondary'}
                aria-current={view === name ? 'page' : undefined}
                onClick={() => setView(name)}
              >
                {SECTION_NAMES[name]}
              </button>
            ))}
          </nav>
        )}
        {membership && manages && view === 'statistics' && (
          <Stats key={membership.organization.id} organizationId={membership.organization.id} />
        )}
        {membership && manages && view === 'members' && (
          <Members
            key={membership.organization.id}
            organizationId={membership.organization.id}
            viewerRole={membership.role}
          />
        )}
        {membership && manages && view === 'settings' && (
          <Settings key={membership.organization.id} organizationId={membership.organization.id} />
        )}
        {membership && manages && view === 'audit' && (
          <AuditLog key={membership.organization.id} organizationId={membership.organization.id} />
        )}
        {membership && manages && view === 'invitations' && (
          <div key={membership.organization.id} className="layout">
            <div className="side">
              <SendInvitation organizationId={membership.organization.id} canGrantOwner={membership.role === 'OWNER'} />
              <BulkSend organizationId={membership.organization.id} />
            </div>
            <InvitationList organizationId={membership.organization.id} />
          </div>
        )}
      </main>
    </>
  );
}
