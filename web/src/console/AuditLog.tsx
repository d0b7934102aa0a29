// The organization's audit trail, newest first, page by page, and its integrity check: the server
// recomputes the hash chain and says whether any entry was edited behind its back.
import { useState } from 'react';
import { useQuery } from 'urql';
import { AuditIntegrity, AuditLog as AuditLogQuery } from './documents.js';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function AuditLog({ organizationId }: { organizationId: string }) {
  // The cursors of the pages before this one: `after` is the last of them.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1);
  const [{ data, fetching, error, operation }] = useQuery({
    query: AuditLogQuery,
    variables: { organizationId, ...(after ? { after } : {}) },
    requestPolicy: 'cache-and-network',
  });
  const [check, setCheck] = useState(false);
  const [{ data: integrity, fetching: checking, error: checkError }, recheck] = useQuery({
    query: AuditIntegrity,
    variables: { organizationId },
    pause: !check,
    requestPolicy: 'network-only',
  });
  const log = data?.auditLog;
  const verdict = integrity?.auditLogIntegrity;
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log{log ? ` (${log.totalCount})` : ''}</h2>
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={checking}
          onClick={() => (check ? recheck() : setCheck(true))}
        >
          {checking ? 'Checking…' : 'Check integrity'}
        </button>
        <p role="status" data-testid="audit-integrity">
          {checkError
            ? 'The check could not be run. Try again.'
            : verdict && !checking
              ? verdict.valid
                ? `Intact: all ${verdict.checked} entries match their hashes and chain.`
                : `Broken: ${verdict.checked} entries match, then entry ${verdict.firstBrokenId} does not. It was changed outside this API.`
              : ''}
        </p>
      </div>
      {fetching && !data && <p role="status">Loading the audit log…</p>}
      {error && <p role="alert">The audit log could not be loaded. Reload the page to try again.</p>}
      {log && (
        <table className="stats audit" aria-busy={fetching}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">On</th>
            </tr>
          </thead>
          <tbody>
            {log.edges.map(({ node }) => (
              <tr key={node.id} data-action={node.action}>
                <td>{when(node.createdAt)}</td>
                <td>{node.action}</td>
                <td>{node.actor ? node.actor.name || node.actor.email : 'System'}</td>
                <td>
                  {node.targetType ?? '–'}
                  {node.ip ? ` (from ${node.ip})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label="Audit log pages" className="row">
        <button
          type="button"
          className="secondary"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="secondary"
          // urql shows the last page while the next loads: Older waits for the page asked for.
          disabled={operation?.variables.after !== after || !log?.pageInfo.hasNextPage}
          onClick={() => log?.pageInfo.endCursor && setCursors((c) => [...c, log.pageInfo.endCursor as string])}
        >
          Older
        </button>
      </nav>
    </section>
  );
}
