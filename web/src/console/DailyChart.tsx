// The daily series (invitationAnalytics) as bars: invitations created and accepted per UTC day,
// drawn in SVG that scales to any width, with the same figures in a table for screen readers and
// for reading exact numbers.
type Day = { period: string; invited: number; accepted: number };

const HEIGHT = 120;

/** One bar, `share` of the chart's height tall, standing on its baseline. */
function Bar({ kind, x, share }: { kind: 'invited' | 'accepted'; x: number; share: number }) {
  return <rect className={kind} x={x} width={4} y={HEIGHT - share * HEIGHT} height={share * HEIGHT} />;
}

export function DailyChart({ days }: { days: Day[] }) {
  const busiest = Math.max(0, ...days.map((d) => d.invited));
  const top = Math.max(1, busiest);
  const width = days.length * 10;
  const invited = days.reduce((sum, d) => sum + d.invited, 0);
  const accepted = days.reduce((sum, d) => sum + d.accepted, 0);
  return (
    <figure className="chart">
      <figcaption id="chart-caption">
        By day: <span className="key invited">invited</span> and <span className="key accepted">accepted</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby="chart-caption"
        aria-describedby="chart-summary"
      >
        <title>Invitations by day</title>
        {days.map((d, i) => (
          <g key={d.period} data-day={d.period} data-invited={d.invited} data-accepted={d.accepted}>
            <title>{`${d.period}: ${d.invited} invited, ${d.accepted} accepted`}</title>
            <Bar kind="invited" x={i * 10 + 1} share={d.invited / top} />
            <Bar kind="accepted" x={i * 10 + 5} share={d.accepted / top} />
          </g>
        ))}
      </svg>
      <p id="chart-summary" className="hint">
        {invited} invited and {accepted} accepted over {days.length} days; the busiest day had{' '}
        {top === 1 && invited === 0 ? 0 : top}.
      </p>
      <details>
        <summary>The figures by day</summary>
        <table className="stats">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Invited</th>
              <th scope="col">Accepted</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.period}>
                <th scope="row">{d.period}</th>
                <td>{d.invited}</td>
                <td>{d.accepted}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
