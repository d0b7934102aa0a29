// What belongs to the signed-in account rather than to one organization: the reminder to confirm
// its email (with a new link on request), and making another organization.
import { useState } from 'react';
import { useMutation } from 'urql';
import { CreateOrganization, SendEmailVerification } from './documents.js';
import { explain, explainInline, type FieldErrors, OFFLINE } from './errors.js';
import { Field, FormError } from './Field.js';

export function VerifyEmailNotice({ email }: { email: string }) {
  const [{ fetching }, send] = useMutation(SendEmailVerification);
  const [said, setSaid] = useState('');
  return (
    <div className="notice">
      <p>
        Confirm your email: open the link we sent to <strong>{email}</strong>. Until then, invitations sent to this
        address are not shown here.
      </p>
      <button
        type="button"
        className="secondary"
        disabled={fetching}
        onClick={async () => {
          setSaid('');
          const payload = (await send({})).data?.sendEmailVerification;
          if (payload?.__typename === 'SendEmailVerificationPayload')
            setSaid(payload.queued ? `A new link is on its way to ${email}.` : 'Your email is confirmed already.');
          else setSaid(payload ? explainInline(payload) : OFFLINE);
        }}
      >
        {fetching ? 'Sending…' : 'Send the link again'}
      </button>
      <p role="status">{said}</p>
    </div>
  );
}

export function NewOrganization({ onCreated }: { onCreated: (organizationId: string) => void }) {
  const [open, setOpen] = useState(false);
  const [{ fetching }, create] = useMutation(CreateOrganization);
  const [errors, setErrors] = useState<FieldErrors>({});
  if (!open)
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        New organization
      </button>
    );
  return (
    <form
      className="row"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        setErrors({});
        const name = String(new FormData(event.currentTarget).get('name') ?? '');
        if (!name.trim()) return setErrors({ name: 'Enter a name for the organization.' });
        const payload = (await create({ input: { name } })).data?.createOrganization;
        if (payload?.__typename === 'CreateOrganizationPayload') {
          setOpen(false);
          onCreated(payload.organization.id);
        } else setErrors(payload ? explain(payload) : { form: OFFLINE });
      }}
    >
      <Field id="new-organization" label="New organization's name" error={errors.name}>
        {(props) => <input {...props} name="name" autoComplete="organization" required />}
      </Field>
      <button type="submit" disabled={fetching}>
        {fetching ? 'Creating…' : 'Create'}
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <FormError text={errors.form} />
    </form>
  );
}
