// Bulk send: a pasted list or CSV (email[,role] a line) sent with sendInvitations, each row's
// outcome shown beside it.
import { useState } from 'react';
import { useMutation } from 'urql';
import type { Role } from '../gql/graphql.js';
import { SendInvitations } from './documents.js';
import { explain, explainInline, OFFLINE } from './errors.js';
import { Field } from './Field.js';

const MAX_ROWS = 100;
const ROLES = new Set<string>(['MEMBER', 'ADMIN', 'OWNER']);

interface Parsed {
  line: number;
  email: string;
  role: Role;
  /** Why the line cannot be sent, found before sending. */
  problem?: string;
}

/** One row per non-empty line; a header line "email,role" is skipped. */
export function parseList(text: string): Parsed[] {
  const rows: Parsed[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const cells = raw.split(/[,;\t]/).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
    const email = cells[0] ?? '';
    if (!email || (index === 0 && /^e-?mail$/i.test(email))) return;
    const roleText = (cells[1] ?? '').toUpperCase();
    const row: Parsed = { line: index + 1, email, role: 'MEMBER' };
    if (roleText && !ROLES.has(roleText)) row.problem = `"${cells[1]}" is not a role: use member, admin or owner.`;
    else if (roleText) row.role = roleText as Role;
    rows.push(row);
  });
  return rows;
}

type Outcome = { line: number; email: string; sent: boolean; text: string };

export function BulkSend({ organizationId }: { organizationId: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<Record<string, string>>({});
  const [outcomes, setOutcomes] = useState<Outcome[]>();
  const [summary, setSummary] = useState('');
  const [{ fetching }, send] = useMutation(SendInvitations);

  return (
    <section aria-labelledby="bulk-heading" className="card">
      <h2 id="bulk-heading">Invite many people</h2>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setOutcomes(undefined);
          setSummary('');
          const rows = parseList(text);
          if (rows.length === 0) return setError({ list: 'Paste at least one email, one a line.' });
          if (rows.length > MAX_ROWS)
            return setError({ list: `At most ${MAX_ROWS} people at once; this list has ${rows.length}.` });
          setError({});
          const sendable = rows.filter((row) => !row.problem);
          const early: Outcome[] = rows
            .filter((row) => row.problem)
            .map((row) => ({ line: row.line, email: row.email, sent: false, text: row.problem ?? '' }));
          let answered: Outcome[] = [];
          if (sendable.length) {
            const result = await send({
              input: { organizationId, invitations: sendable.map(({ email, role }) => ({ email, role })) },
            });
            const payload = result.data?.sendInvitations;
            if (payload?.__typename !== 'SendInvitationsPayload') {
              return setError(payload ? { list: explainInline(payload) } : { list: OFFLINE });
            }
            answered = payload.results.map((answer, i) => {
              const row = sendable[i] as Parsed;
              return answer.__typename === 'SendInvitationPayload'
                ? { line: row.line, email: row.email, sent: true, text: 'Sent.' }
                : { line: row.line, email: row.email, sent: false, text: Object.values(explain(answer)).join(' ') };
            });
          }
          const all = [...early, ...answered].sort((a, b) => a.line - b.line);
          const sentCount = all.filter((o) => o.sent).length;
          setOutcomes(all);
          setSummary(`${sentCount} sent, ${all.length - sentCount} not sent.`);
        }}
      >
        <Field
          id="bulk-list"
          label="Emails, one a line"
          hint="Paste a list or a CSV: email, then optionally a role (member, admin or owner)."
          error={error.list}
        >
          {(props) => (
            <textarea
              {...props}
              rows={6}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              placeholder={'ada@example.com\nlin@example.com,admin'}
            />
          )}
        </Field>
        <button type="submit" disabled={fetching}>
          {fetching ? 'Sending invitations…' : 'Send all'}
        </button>
      </form>
      <p role="status">{summary}</p>
      {outcomes && (
        <table className="outcomes">
          <caption className="visually-hidden">What happened to each line</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Email</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {outcomes.map((o) => (
              <tr key={o.line} className={o.sent ? 'sent' : 'refused'} data-outcome={o.sent ? 'sent' : 'refused'}>
                <td>{o.line}</td>
                <td>{o.email}</td>
                <td>{o.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
