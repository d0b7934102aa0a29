// Cancelling an invitation with a reason: a modal dialog that keeps focus inside while open and
// gives it back to the button that opened it.
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { CancelInvitation } from './documents.js';
import { explain, type FieldErrors, OFFLINE } from './errors.js';
import { Field, FormError } from './Field.js';

export function CancelDialog({
  invitation,
  onClose,
}: {
  invitation: { id: string; email: string };
  onClose: (cancelled: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [{ fetching }, cancel] = useMutation(CancelInvitation);

  useEffect(() => {
    opener.current = document.activeElement;
    dialog.current?.showModal();
  }, []);

  /** Closes, gives focus back to what opened the dialog, then tells the parent. */
  const finish = (cancelled: boolean) => {
    dialog.current?.close();
    if (opener.current instanceof HTMLElement) opener.current.focus();
    onClose(cancelled);
  };

  // showModal makes the page inert; this also keeps Tab from leaving for the browser's own controls.
  const trap = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>('textarea, button, input, select')].filter(
      (element) => !element.hasAttribute('disabled'),
    );
    const first = focusable[0];
    const last = focusable.at(-1);
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby="cancel-heading"
      onKeyDown={trap}
      onCancel={(event) => {
        event.preventDefault();
        finish(false);
      }}
    >
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await cancel({
            input: { invitationId: invitation.id, ...(reason.trim() ? { reason: reason.trim() } : {}) },
          });
          const payload = result.data?.cancelInvitation;
          if (payload?.__typename === 'CancelInvitationPayload') finish(true);
          else setErrors(payload ? explain(payload) : { form: OFFLINE });
        }}
      >
        <h2 id="cancel-heading">Cancel the invitation to {invitation.email}?</h2>
        <p>Its link stops working at once. The person is not told the reason.</p>
        <Field id="cancel-reason" label="Reason (optional, for your team's records)" error={errors.reason}>
          {(props) => (
            <textarea
              {...props}
              autoFocus
              rows={3}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
            />
          )}
        </Field>
        <FormError text={errors.form} />
        <p className="row">
          <button type="submit" className="danger" disabled={fetching}>
            {fetching ? 'Cancelling…' : 'Cancel invitation'}
          </button>
          <button type="button" onClick={() => finish(false)}>
            Keep it
          </button>
        </p>
      </form>
    </dialog>
  );
}
