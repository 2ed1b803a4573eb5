'use client';
// The reports the viewer may read, newest first, each with what it reads (latest or pinned).

import { useEffect, useState } from 'react';
import type { ReportPin, ReportSummary } from '@/server/reports/report-types';
import { AccessNotice } from '../_components/access-notice';
import { can, useCurrentUser } from '../_lib/use-current-user';
import { ErrorNotice } from '../_workbench/error-notice';
import { reportApi } from './report-api';
import './reports.css';

export function pinText(pin: ReportPin): string {
  if (pin.kind === 'latest') return 'latest data';
  if (pin.kind === 'timestamp') return `as of ${pin.timestamp}`;
  return `pinned: ${Object.entries(pin.versions)
    .map(([table, version]) => `${table} v${version}`)
    .join(', ')}`;
}

export function ReportList() {
  const user = useCurrentUser();
  const allowed = can(user, 'reports:read');
  const [reports, setReports] = useState<ReportSummary[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (!allowed) return;
    reportApi.listReports().then(setReports, setError);
  }, [allowed]);
  if (!allowed) return <AccessNotice user={user} permission="reports:read" next="/reports" what="reports" />;
  if (error) return <ErrorNotice error={error} />;
  if (!reports) return <p className="wb-muted">Loading…</p>;
  if (reports.length === 0) {
    return (
      <p className="wb-muted">
        No report is published for your roles yet. Analysts publish notebooks from the workbench.
      </p>
    );
  }
  return (
    <ul className="rp-list" data-testid="report-list">
      {reports.map((report) => (
        <li key={report.id} data-testid="report-item">
          <a href={`/reports/${encodeURIComponent(report.id)}`}>{report.title}</a>{' '}
          <span className="wb-muted">
            by {report.publishedBy},{' '}
            {new Date(report.publishedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC ·{' '}
            {pinText(report.pin)}
          </span>
        </li>
      ))}
    </ul>
  );
}
