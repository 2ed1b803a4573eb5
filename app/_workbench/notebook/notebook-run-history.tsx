'use client';
// A notebook's stored runs, newest first (the last 30): status, when, how long, what triggered it, the Delta
// versions it read, its outputs with downloads, what delivery did, and the error of a failed run.

import type { NotebookRunManifest } from '@/server/notebook-runs/types';
import { formatCount, formatTime } from '../../_lib/format';
import { outputUrl } from './notebook-schedule-api';

function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const triggerOf = (run: NotebookRunManifest) =>
  run.trigger === 'schedule' ? 'schedule' : `Run now by ${run.trigger.user}`;

export function NotebookRunHistory({ id, runs }: { id: string; runs: NotebookRunManifest[] }) {
  if (runs.length === 0) return <p className="wb-muted">No runs yet.</p>;
  return (
    <table className="wb-run-history" data-testid="notebook-runs">
      <thead>
        <tr>
          <th>Status</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Versions read</th>
          <th>Outputs</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.runId} data-testid="notebook-run" data-run-id={run.runId} data-status={run.status}>
            <td>
              <span className={`wb-run-status wb-run-${run.status}`}>{run.status}</span>
              <div className="wb-muted">{triggerOf(run)}</div>
            </td>
            <td>{formatTime(run.startedAt)}</td>
            <td>{duration(run.durationMs)}</td>
            <td data-testid="run-versions">
              {Object.entries(run.versions)
                .map(([table, version]) => `${table} v${version}`)
                .join(', ') || '—'}
            </td>
            <td>
              {run.error ? (
                <p className="wb-error" role="alert" data-testid="run-error">
                  {run.error}
                </p>
              ) : null}
              <ul className="wb-run-outputs">
                {run.outputs.map((output) => (
                  <li key={output.name} data-testid="run-output" data-name={output.name}>
                    <strong>{output.name}</strong>{' '}
                    <span className="wb-muted">{formatCount(output.rows)} rows</span>{' '}
                    <a
                      href={outputUrl(id, run.runId, output.name, 'csv')}
                      download
                      data-testid="download-csv"
                    >
                      CSV
                    </a>{' '}
                    <a href={outputUrl(id, run.runId, output.name, 'parquet')} download>
                      Parquet
                    </a>{' '}
                    <a href={outputUrl(id, run.runId, output.name, 'xlsx')} download>
                      Excel
                    </a>
                  </li>
                ))}
              </ul>
              {run.delivery.map((line) => (
                <div key={line.target} className={line.ok ? 'wb-muted' : 'wb-error'}>
                  {line.target}: {line.detail}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
