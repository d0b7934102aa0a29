// Sending one invitation: the dry run (validateInvitation) beside the fields as the person types,
// then the send, with each refusal next to the field that caused it and the link shown once.
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useMutation } from 'urql';
import type { Role } from '../gql/graphql.js';
import { CopyLink } from './CopyLink.js';
import { SendInvitation as Send, ValidateInvitation } from './documents.js';
import { explain, explainChecks, type FieldErrors, OFFLINE } from './errors.js';
import { Field, FormError } from './Field.js';
import { useDebounced } from './useDebounced.js';

interface Draft {
  email: string;
  role: Role;
  permissions: string;
  phone: string;
  message: string;
  expiresInDays: string;
}

const EMPTY: Draft = { email: '', role: 'MEMBER', permissions: '', phone: '', message: '', expiresInDays: '7' };

/** The API's input for a draft; blank optional fields are left out. */
function inputOf(organizationId: string, draft: Draft) {
  const permissions = draft.permissions
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const days = Number(draft.expiresInDays);
  return {
    organizationId,
    email: draft.email.trim(),
    role: draft.role,
    ...(permissions.length ? { permissions } : {}),
    ...(draft.phone.trim() ? { phone: draft.phone.trim() } : {}),
    ...(draft.message.trim() ? { message: draft.message } : {}),
    ...(draft.expiresInDays.trim() && Number.isFinite(days) ? { expiresInDays: days } : {}),
  };
}

export function SendInvitation({ organizationId, canGrantOwner }: { organizationId: string; canGrantOwner: boolean }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [checked, setChecked] = useState<FieldErrors>({});
  const [refused, setRefused] = useState<FieldErrors>({});
  const [sent, setSent] = useState<{ email: string; url: string | null }>();
  const [, validate] = useMutation(ValidateInvitation);
  const [{ fetching }, send] = useMutation(Send);

  const settled = useDebounced(draft, 400);
  const settledInput = useMemo(() => inputOf(organizationId, settled), [organizationId, settled]);
  useEffect(() => {
    if (!settledInput.email) return setChecked({});
    let current = true;
    validate({ input: settledInput }, { requestPolicy: 'network-only' }).then((result) => {
      const payload = result.data?.validateInvitation;
      if (!current) return;
      if (payload?.__typename === 'ValidateInvitationPayload') setChecked(explainChecks(payload.checks));
      else if (payload) setChecked(explain(payload));
    });
    return () => {
      current = false;
    };
  }, [settledInput, validate]);

  const change = (field: keyof Draft) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setDraft((d) => ({ ...d, [field]: value }));
    setTouched((t) => ({ ...t, [field]: true }));
    setRefused(({ [field]: _, ...rest }) => rest);
  };
  // A dry-run finding shows once its field was typed in (or a send was tried); a refusal always.
  const errorOf = (field: string) => refused[field] ?? (touched[field] ? checked[field] : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(undefined);
    const input = inputOf(organizationId, draft);
    if (!input.email) {
      setRefused({ email: 'Enter the email of the person to invite.' });
      return;
    }
    const result = await send({ input });
    const payload = result.data?.sendInvitation;
    if (payload?.__typename === 'SendInvitationPayload') {
      setSent({ email: payload.invitation.email, url: payload.inviteUrl ?? null });
      setDraft(EMPTY);
      setTouched({});
      setChecked({});
      setRefused({});
    } else {
      setTouched({ email: true, role: true, permissions: true, phone: true, message: true, expiresInDays: true });
      setRefused(payload ? explain(payload) : { form: OFFLINE });
    }
  };

  return (
    <section aria-labelledby="send-heading" className="card">
      <h2 id="send-heading">Invite someone</h2>
      <form noValidate onSubmit={submit}>
        <Field id="invite-email" label="Email" error={errorOf('email')}>
          {(props) => (
            <input {...props} type="email" autoComplete="off" value={draft.email} onChange={change('email')} />
          )}
        </Field>
        <Field id="invite-role" label="Role" error={errorOf('role')}>
          {(props) => (
            <select {...props} value={draft.role} onChange={change('role')}>
              <option value="MEMBER">Member</option>
              <option value="ADMIN">Admin</option>
              {canGrantOwner && <option value="OWNER">Owner</option>}
            </select>
          )}
        </Field>
        <Field
          id="invite-permissions"
          label="Permissions (optional)"
          hint='Separated by commas, like "invoices:read, reports:write".'
          error={errorOf('permissions')}
        >
          {(props) => <input {...props} value={draft.permissions} onChange={change('permissions')} />}
        </Field>
        <Field
          id="invite-phone"
          label="Phone (optional)"
          hint="In international form, like +14155550123."
          error={errorOf('phone')}
        >
          {(props) => <input {...props} type="tel" value={draft.phone} onChange={change('phone')} />}
        </Field>
        <Field
          id="invite-message"
          label="Personal message (optional)"
          hint="Shown in the email and on the invitation page."
          error={errorOf('message')}
        >
          {(props) => (
            <textarea {...props} rows={3} maxLength={1000} value={draft.message} onChange={change('message')} />
          )}
        </Field>
        <Field id="invite-expiry" label="Link expires after (days)" error={errorOf('expiresInDays')}>
          {(props) => (
            <input
              {...props}
              type="number"
              min={1}
              inputMode="numeric"
              value={draft.expiresInDays}
              onChange={change('expiresInDays')}
            />
          )}
        </Field>
        <button type="submit" disabled={fetching}>
          {fetching ? 'Sending…' : 'Send invitation'}
        </button>
        <FormError text={refused.form ?? (touched.email ? checked.form : undefined)} />
      </form>
      <div role="status">{sent && <p>Invitation sent to {sent.email}.</p>}</div>
      {sent?.url && <CopyLink url={sent.url} label="Accept link" />}
    </section>
  );
}
