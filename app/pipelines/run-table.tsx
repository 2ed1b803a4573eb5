import Link from 'next/link';
import { StatusBadge } from '../_components/status-badge';
import type { RunView } from '../_lib/control-types';
import {
  formatCount,
  formatDuration,
  formatShortTime,
  formatTime,
  NOT_KNOWN,
  runDuration,
} from '../_lib/format';
import { PROGRESS_FIELDS } from './run-progress';
import { pipelinesHref, type StatusFilterValue } from './status-filter';

/** One pipeline's recent runs, newest first; each row links to the run's detail. */
export function RunTable({
  runs,
  now,
  selectedId,
  status,
}: {
  runs: RunView[];
  now: number;
  selectedId: string | null;
  status: StatusFilterValue;
}) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="run-table">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Duration</th>
            <th scope="col">Stage</th>
            {PROGRESS_FIELDS.filter((f) => f.key !== 'bytes').map((f) => (
              <th scope="col" key={f.key} className="num">
                {f.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr
              key={run.id}
              data-run-id={run.id}
              aria-current={run.id === selectedId ? 'true' : undefined}
              className={run.id === selectedId ? 'selected' : undefined}
            >
              <td>
                <Link href={pipelinesHref(run.id, status)} scroll={false} title={formatTime(run.startedAt)}>
                  {formatShortTime(run.startedAt)}
                </Link>
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>
                {run.trigger}
                {run.attempt > 1 ? ` (attempt ${run.attempt})` : ''}
              </td>
              <td>{formatDuration(runDuration(run, now))}</td>
              <td>{run.progress.stage ?? NOT_KNOWN}</td>
              {PROGRESS_FIELDS.filter((f) => f.key !== 'bytes').map((f) => (
                <td key={f.key} className="num" data-field={f.key}>
                  {formatCount(run.progress[f.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
