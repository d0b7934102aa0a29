// The organization's settings: the email domains it never invites (updateOrganizationSettings).
// One domain per line; a refused line is named beside the field.
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Settings as SettingsQuery, UpdateSettings } from './documents.js';
import { type ApiError, explain, OFFLINE } from './errors.js';
import { Field, FormError } from './Field.js';

const linesOf = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

/** Each issue about one line says which line it is. */
function explainDomains(error: ApiError, lines: string[]) {
  if (error.__typename !== 'InputValidationError' || !error.issues) return explain(error);
  const texts = error.issues.map((issue) => {
    const index = issue.path.find((part) => /^\d+$/.test(part));
    const line = index === undefined ? undefined : Number(index);
    return line === undefined ? issue.message : `Line ${line + 1} (${lines[line]}): ${issue.message}`;
  });
  return { blockedEmailDomains: texts.join(' ') };
}

export function Settings({ organizationId }: { organizationId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: SettingsQuery, variables: { organizationId } });
  const saved = data?.organization?.blockedEmailDomains;
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState('');
  const [{ fetching: saving }, update] = useMutation(UpdateSettings);
  useEffect(() => {
    if (saved) setText(saved.join('\n'));
  }, [saved]);
  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      {fetching && !data && <p role="status">Loading the settings…</p>}
      {error && <p role="alert">The settings could not be loaded. Reload the page to try again.</p>}
      {saved && (
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            setErrors({});
            setDone('');
            const lines = linesOf(text);
            const result = await update({ input: { organizationId, blockedEmailDomains: lines } });
            const payload = result.data?.updateOrganizationSettings;
            if (payload?.__typename === 'UpdateOrganizationSettingsPayload') {
              const domains = payload.organization.blockedEmailDomains;
              setText(domains.join('\n'));
              setDone(
                domains.length === 0
                  ? 'Saved: no domain is blocked.'
                  : `Saved: ${domains.length} blocked domain${domains.length === 1 ? '' : 's'}.`,
              );
            } else setErrors(payload ? explainDomains(payload, lines) : { form: OFFLINE });
          }}
        >
          <Field
            id="blocked-domains"
            label="Blocked email domains"
            hint="One per line, e.g. example.com. Invitations to these domains and their subdomains are not sent (they end Rejected); up to 500."
            error={errors.blockedEmailDomains}
          >
            {(props) => <textarea {...props} rows={8} value={text} onChange={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <FormError text={errors.form} />
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          <p role="status">{done}</p>
        </form>
      )}
    </section>
  );
}
