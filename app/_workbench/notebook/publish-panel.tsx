'use client';
// The Publish panel (owner and admins): publish the saved notebook as a read-only report at /reports/<id>, for the
// roles chosen, over the latest data or pinned (a version per table, or a time); publish again to update the
// frozen copy, or unpublish. The server checks every change; this only fills in the request.

import { useEffect, useMemo, useState } from 'react';
import type { Notebook } from '@/server/notebooks/types';
import type { ReportPin, ReportSummary } from '@/server/reports/report-types';
import { reportTableRefs } from '@/server/reports/resolve-pin';
import { reportApi } from '../../_reports/report-api';
import { ErrorNotice } from '../error-notice';

const ROLES = ['analyst', 'frontend', 'admin'] as const;
type Role = (typeof ROLES)[number];

export function PublishPanel({
  notebook,
  tables,
  saved,
}: {
  notebook: Notebook;
  /** The catalog's table names, to find the tables the notebook reads. */
  tables: readonly string[];
  /** The editor's changes are all saved: what is published is the saved version. */
  saved: boolean;
}) {
  const [report, setReport] = useState<ReportSummary | null>(null);
  const [roles, setRoles] = useState<Role[]>([...ROLES]);
  const [pinKind, setPinKind] = useState<ReportPin['kind']>('latest');
  const [versions, setVersions] = useState<Record<string, string>>({});
  const [timestamp, setTimestamp] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  // Tables the notebook reads without time travel of its own: those a per-table pin names.
  const plainTables = useMemo(
    () => [
      ...new Set(
        reportTableRefs(notebook, tables)
          .filter((ref) => ref.version === undefined && ref.timestamp === undefined)
          .map((ref) => ref.table),
      ),
    ],
    [notebook, tables],
  );

  useEffect(() => {
    reportApi.publishState(notebook.id).then(({ report: current }) => {
      setReport(current);
      if (!current) return;
      setRoles(current.roles);
      setPinKind(current.pin.kind);
      if (current.pin.kind === 'versions') {
        setVersions(Object.fromEntries(Object.entries(current.pin.versions).map(([t, v]) => [t, String(v)])));
      }
      if (current.pin.kind === 'timestamp') setTimestamp(current.pin.timestamp);
    }, setError);
  }, [notebook.id]);

  const pin = (): ReportPin => {
    if (pinKind === 'timestamp') return { kind: 'timestamp', timestamp };
    if (pinKind === 'versions') {
      const chosen: Record<string, number> = {};
      // A table left empty gets its current version when published.
      for (const [table, text] of Object.entries(versions)) {
        if (text.trim() !== '' && plainTables.includes(table)) chosen[table] = Number(text);
      }
      return { kind: 'versions', versions: chosen };
    }
    return { kind: 'latest' };
  };

  const publish = async () => {
    setBusy(true);
    try {
      setReport(await reportApi.publish(notebook.id, { roles, pin: pin() }));
      setError(null);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const unpublish = async () => {
    setBusy(true);
    try {
      await reportApi.unpublish(notebook.id);
      setReport(null);
      setError(null);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const url = `/reports/${encodeURIComponent(notebook.id)}`;
  return (
    <div className="wb-share-panel rp-publish" data-testid="publish-panel">
      {error ? <ErrorNotice error={error} /> : null}
      {report ? (
        <p role="status" data-testid="publish-status" data-published-at={report.publishedAt}>
          Published by {report.publishedBy} at{' '}
          {new Date(report.publishedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC:{' '}
          <a href={url}>{url}</a>. Publishing again replaces it with the notebook as saved now.
        </p>
      ) : (
        <p className="wb-muted">Not published. A report is a read-only copy of the notebook as saved now.</p>
      )}
      <fieldset>
        <legend>Who may read it</legend>
        {ROLES.map((role) => (
          <label key={role}>
            <input
              type="checkbox"
              checked={roles.includes(role)}
              onChange={(event) =>
                setRoles((current) =>
                  event.target.checked ? [...current, role] : current.filter((r) => r !== role),
                )
              }
            />{' '}
            {role}{' '}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Data</legend>
        <label>
          <input
            type="radio"
            name="pin"
            checked={pinKind === 'latest'}
            onChange={() => setPinKind('latest')}
          />{' '}
          latest snapshot when read
        </label>{' '}
        <label>
          <input
            type="radio"
            name="pin"
            checked={pinKind === 'versions'}
            onChange={() => setPinKind('versions')}
          />{' '}
          pinned versions
        </label>{' '}
        <label>
          <input
            type="radio"
            name="pin"
            checked={pinKind === 'timestamp'}
            onChange={() => setPinKind('timestamp')}
          />{' '}
          as of a time
        </label>
        {pinKind === 'versions' ? (
          <div>
            {plainTables.length === 0 ? (
              <p className="wb-muted">The notebook reads no table plainly.</p>
            ) : null}
            {plainTables.map((table) => (
              <label key={table}>
                {table} version{' '}
                <input
                  type="number"
                  min={0}
                  step={1}
                  placeholder="current"
                  aria-label={`${table} version`}
                  value={versions[table] ?? ''}
                  onChange={(event) => setVersions((v) => ({ ...v, [table]: event.target.value }))}
                />{' '}
              </label>
            ))}
          </div>
        ) : null}
        {pinKind === 'timestamp' ? (
          <label>
            Time (UTC unless a zone is given){' '}
            <input
              aria-label="Pin time"
              placeholder="2026-11-01 10:00"
              value={timestamp}
              onChange={(event) => setTimestamp(event.target.value)}
            />
          </label>
        ) : null}
      </fieldset>
      <button
        type="button"
        data-testid="publish-button"
        disabled={busy || !saved || roles.length === 0}
        title={saved ? undefined : 'Wait until the notebook is saved'}
        onClick={() => void publish()}
      >
        {report ? 'Publish again' : 'Publish'}
      </button>{' '}
      {report ? (
        <button type="button" disabled={busy} onClick={() => void unpublish()} data-testid="unpublish-button">
          Unpublish
        </button>
      ) : null}
    </div>
  );
}
