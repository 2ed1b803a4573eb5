// Data-quality results: a run's checks (run page), and each table's latest checks (a pipeline's section).

import Link from 'next/link';
import type { RunView } from '../_lib/control-types';
import { formatShortTime, formatTime, NOT_KNOWN } from '../_lib/format';
import { checkVerdict, latestChecksPerTable, type CheckView } from './latest-checks';
import { pipelinesHref, type StatusFilterValue } from './status-filter';

const VERDICT = {
  passed: { label: 'Passed', tone: 'ok' },
  failed: { label: 'Failed', tone: 'bad' },
  warning: { label: 'Warning', tone: 'warn' },
} as const;

function Verdict({ check }: { check: CheckView }) {
  const verdict = checkVerdict(check);
  return (
    <span className={`run-status run-status-${VERDICT[verdict].tone}`} data-verdict={verdict}>
      {VERDICT[verdict].label}
    </span>
  );
}

/** Every check a run evaluated, failures first (errors, then warnings), in evaluation order otherwise. */
export function RunChecks({ checks }: { checks: CheckView[] }) {
  const rank = { failed: 0, warning: 1, passed: 2 };
  const ordered = checks
    .map((check, index) => ({ check, index }))
    .sort((a, b) => rank[checkVerdict(a.check)] - rank[checkVerdict(b.check)] || a.index - b.index)
    .map((item) => item.check);
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="run-checks">
        <thead>
          <tr>
            <th scope="col">Table</th>
            <th scope="col">Check</th>
            <th scope="col">Severity</th>
            <th scope="col">On</th>
            <th scope="col">Result</th>
            <th scope="col" className="num">
              Observed
            </th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((check, index) => (
            <tr key={index} data-table={check.table} data-check={check.check}>
              <td>{check.table}</td>
              <td>
                <code>{check.check}</code>
              </td>
              <td>{check.severity}</td>
              <td>{check.stage === 'incoming' ? 'incoming rows' : 'snapshot'}</td>
              <td>
                <Verdict check={check} />
              </td>
              <td className="num">{check.observed === null ? NOT_KNOWN : String(check.observed)}</td>
              <td>{check.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Per table: how its latest checks went, and in which run. */
export function LatestChecks({ runs, status }: { runs: RunView[]; status: StatusFilterValue }) {
  const tables = latestChecksPerTable(runs);
  if (tables.length === 0) return null;
  return (
    <details className="latest-checks" data-testid="latest-checks">
      <summary>
        Data-quality checks by table: {tables.map((t) => `${t.table} ${summarize(t.checks)}`).join(' · ')}
      </summary>
      <ul>
        {tables.map((t) => (
          <li key={t.table} data-table={t.table}>
            <strong>{t.table}</strong>: {summarize(t.checks)} in the run of{' '}
            <Link href={pipelinesHref(t.runId, status)} scroll={false} title={formatTime(t.startedAt)}>
              {formatShortTime(t.startedAt)}
            </Link>
            {t.checks
              .filter((check) => !check.passed)
              .map((check) => (
                <span key={check.check} className="latest-check-failure">
                  {' '}
                  · <Verdict check={check} /> <code>{check.check}</code>: {check.message}
                </span>
              ))}
          </li>
        ))}
      </ul>
    </details>
  );
}

function summarize(checks: CheckView[]): string {
  const failed = checks.filter((check) => checkVerdict(check) === 'failed').length;
  const warned = checks.filter((check) => checkVerdict(check) === 'warning').length;
  const parts = [`${checks.length - failed - warned}/${checks.length} passed`];
  if (failed) parts.push(`${failed} failed`);
  if (warned) parts.push(`${warned} warning${warned === 1 ? '' : 's'}`);
  return parts.join(', ');
}
