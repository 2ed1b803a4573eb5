'use client';
// "What changed" for one version in the catalog: the version's rows from the change feed
// (GET /api/catalog/tables/<table>/changes), with their change type, and whether they come from the table's change
// data files or were derived from the files the commit added and removed.

import { useState } from 'react';
import type { TableChanges } from '@/server/api/workbench/table-changes';
import { api } from '../api';

const ROW_LIMIT = 200;
const FEED_COLUMNS = new Set(['_change_type', '_commit_version', '_commit_timestamp']);

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function VersionChanges({ table, version }: { table: string; version: number }) {
  const [changes, setChanges] = useState<TableChanges | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = () => {
    if (changes || loading) return;
    setLoading(true);
    api.getChanges(table, version, version, ROW_LIMIT).then(
      (answer) => {
        setChanges(answer);
        setError(null);
        setLoading(false);
      },
      (e: Error) => {
        setError(e.message);
        setLoading(false);
      },
    );
  };

  const columns = changes ? changes.columns.filter((name) => !FEED_COLUMNS.has(name)) : [];
  const source = changes?.sources[version];
  return (
    <details className="wb-version-changes" onToggle={load} data-testid={`changes-${version}`}>
      <summary>What changed</summary>
      {error ? <p className="wb-error">{error}</p> : null}
      {loading ? <p className="wb-muted">Loading…</p> : null}
      {changes ? (
        <>
          <p className="wb-muted" data-testid="changes-summary">
            {changes.rows.length === 0
              ? 'No rows changed in this version.'
              : `${changes.rows.length}${changes.truncated ? '+' : ''} changed row(s), ` +
                (source === 'cdc'
                  ? 'from the change data feed.'
                  : 'derived from the files this version added and removed (updates show as delete + insert).')}{' '}
            Query more with{' '}
            <code>
              table_changes(&apos;{table}&apos;, {version}, {version})
            </code>{' '}
            on the server path.
          </p>
          {changes.rows.length > 0 ? (
            <div className="wb-version-changes-grid">
              <table>
                <thead>
                  <tr>
                    <th>change</th>
                    {columns.map((name) => (
                      <th key={name}>{name}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {changes.rows.map((row, index) => (
                    <tr key={index} data-change={String(row._change_type)}>
                      <td>{String(row._change_type)}</td>
                      {columns.map((name) => (
                        <td key={name}>{formatValue(row[name])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </details>
  );
}
