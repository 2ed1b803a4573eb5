'use client';
// Open incidents and the alert history: every message, to which channel, when, and whether it went out (with
// the error and the attempts when it did not).

import { formatTime } from '../_lib/format';
import type { DeliveryView, IncidentView } from './alert-types';

const STATUS_TEXT: Record<DeliveryView['status'], string> = {
  pending: 'Queued',
  sent: 'Sent',
  retrying: 'Failed, retrying',
  failed: 'Failed',
};

export function OpenIncidents({ incidents }: { incidents: IncidentView[] }) {
  if (incidents.length === 0) return <p className="muted">No open incidents.</p>;
  return (
    <ul data-testid="open-incidents">
      {incidents.map((i) => (
        <li key={`${i.ruleId}/${i.subject}`}>
          <a href={i.link}>{i.title}</a> — since <time dateTime={i.openedAt}>{formatTime(i.openedAt)}</time>
        </li>
      ))}
    </ul>
  );
}

export function AlertHistory({ deliveries }: { deliveries: DeliveryView[] }) {
  if (deliveries.length === 0) return <p className="muted">Nothing sent yet.</p>;
  return (
    <table className="data-table" data-testid="alert-history">
      <thead>
        <tr>
          <th>When</th>
          <th>Message</th>
          <th>Channel</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} data-status={d.status}>
            <td>
              <time dateTime={d.createdAt}>{formatTime(d.createdAt)}</time>
            </td>
            <td className="wrap">
              <a href={d.message.link}>{d.message.title}</a>
            </td>
            <td>{d.channelName}</td>
            <td className="wrap">
              {STATUS_TEXT[d.status]}
              {d.sentAt ? ` ${formatTime(d.sentAt)}` : ''}
              {d.attempts > 1 ? ` (${d.attempts} attempts)` : ''}
              {d.error ? <span className="form-error"> {d.error}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
