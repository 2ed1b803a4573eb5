import type { RunStatus } from '../_lib/control-types';

const LABELS: Record<string, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  abandoned: 'Abandoned',
  // OpenLineage event types, for lineage nodes.
  START: 'Running',
  RUNNING: 'Running',
  COMPLETE: 'Succeeded',
  FAIL: 'Failed',
  ABORT: 'Aborted',
  OTHER: 'Other',
};

const TONES: Record<string, string> = {
  running: 'run',
  START: 'run',
  RUNNING: 'run',
  succeeded: 'ok',
  COMPLETE: 'ok',
  failed: 'bad',
  FAIL: 'bad',
  abandoned: 'bad',
  cancelled: 'muted',
  ABORT: 'muted',
  OTHER: 'muted',
};

/** A run's status (or a lineage node's latest event) as a word and a colour; never colour alone. */
export function StatusBadge({ status }: { status: RunStatus | string }) {
  return (
    <span className={`run-status run-status-${TONES[status] ?? 'muted'}`} data-status={status}>
      {LABELS[status] ?? status}
    </span>
  );
}
