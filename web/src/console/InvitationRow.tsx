// One invitation in the list: its status, delivery and expiry, with resend and cancel while pending.
import { useRef, useState } from 'react';
import { useMutation } from 'urql';
import { CancelDialog } from './CancelDialog.js';
import { CopyLink } from './CopyLink.js';
import { ResendInvitation } from './documents.js';
import { explainInline, OFFLINE, STATUS_WORDS } from './errors.js';
import { Timeline } from './Timeline.js';

export interface Row {
  id: string;
  email: string;
  role: string;
  status: string;
  deliveryStatus: string;
  attempts: number;
  createdAt: string;
  expiresAt: string;
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

export function InvitationRow({ row }: { row: Row }) {
  const [{ fetching: resending }, resend] = useMutation(ResendInvitation);
  const [problem, setProblem] = useState('');
  const [link, setLink] = useState<string>();
  const [cancelling, setCancelling] = useState(false);
  const [history, setHistory] = useState(false);
  const label = useRef<HTMLElement>(null);
  const pending = row.status === 'PENDING';
  const labelId = `invitation-${row.id}`;
  return (
    <li className="invitation" aria-labelledby={labelId} data-invitation={row.id}>
      <div className="summary">
        <strong id={labelId} ref={label} tabIndex={-1}>
          {row.email}
        </strong>
        <span>{row.role.charAt(0) + row.role.slice(1).toLowerCase()}</span>
        <span>
          Status: <span data-field="status">{STATUS_WORDS[row.status] ?? row.status}</span>
        </span>
        <span>
          Delivery: <span data-field="delivery">{STATUS_WORDS[row.deliveryStatus] ?? row.deliveryStatus}</span>
        </span>
        <span>
          Sent {day(row.createdAt)}
          {row.attempts > 1 ? `, ${row.attempts} emails` : ''}; expires {day(row.expiresAt)}
        </span>
      </div>
      <div className="row actions">
        <button
          type="button"
          className="secondary"
          aria-expanded={history}
          aria-controls={`${labelId}-history`}
          aria-label={`History of the invitation to ${row.email}`}
          onClick={() => setHistory(!history)}
        >
          History
        </button>
        {pending && (
          <>
            <button
              type="button"
              aria-label={`Resend to ${row.email}`}
              disabled={resending}
              onClick={async () => {
                setProblem('');
                const result = await resend({ input: { invitationId: row.id } });
                const payload = result.data?.resendInvitation;
                if (payload?.__typename === 'ResendInvitationPayload') setLink(payload.inviteUrl ?? undefined);
                else setProblem(payload ? explainInline(payload) : OFFLINE);
              }}
            >
              {resending ? 'Resending…' : 'Resend'}
            </button>
            <button
              type="button"
              aria-label={`Cancel the invitation to ${row.email}`}
              onClick={() => setCancelling(true)}
            >
              Cancel…
            </button>
          </>
        )}
      </div>
      <div id={`${labelId}-history`}>
        {history && <Timeline invitationId={row.id} key={`${row.status}${row.deliveryStatus}${row.attempts}`} />}
      </div>
      <p className="error" role="alert">
        {problem}
      </p>
      {link && <CopyLink url={link} label={`New link for ${row.email}`} />}
      {cancelling && (
        <CancelDialog
          invitation={row}
          onClose={(cancelled) => {
            setCancelling(false);
            // The cancel button goes with the pending state: focus stays on this row, not the page.
            if (cancelled) requestAnimationFrame(() => label.current?.focus());
          }}
        />
      )}
    </li>
  );
}
