'use client';
// A table's versions in the catalog: operation and time of each commit, "query this version", "what changed" (the
// version's rows from the change feed), and for admins "Restore to this version", which commits a restore on the
// server after the admin confirms (nothing is lost: a restore is a new version, and the versions after it stay
// queryable by time travel).

import { useState } from 'react';
import type { HistoryItem } from '@/server/api/workbench/types';
import { api } from '../api';
import { VersionChanges } from './version-changes';

interface VersionHistoryProps {
  table: string;
  /** The signed-in user may restore (admin role, from /api/auth/me). */
  canRestore: boolean;
  onQuery(sql: string): void;
  /** Called after a restore so the catalog shows the new version. */
  onRestored(): void;
}

export function VersionHistory({ table, canRestore, onQuery, onRestored }: VersionHistoryProps) {
  const [history, setHistory] = useState<HistoryItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);

  const load = (force = false) => {
    if (history && !force) return;
    api.getHistory(table).then(
      (items) => {
        setHistory(items);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  };

  const restore = async (version: number) => {
    const ok = window.confirm(
      `Restore ${table} to version ${version}? This commits a new version with the rows of version ${version}; ` +
        'readers see it at once, and later versions stay available through time travel.',
    );
    if (!ok) return;
    setRestoring(version);
    setNotice(null);
    try {
      const answer = await api.restoreTable(table, version);
      // What the pipelines writing the table do next (re-extract since the restored version, or reload).
      const next = answer.pipelines
        .map((p) => ` ${p.nextRun[0]?.toUpperCase()}${p.nextRun.slice(1)}.`)
        .join('');
      setNotice(
        `Restored ${answer.table} to v${answer.restoredVersion}: now at v${answer.newVersion}.${next}`,
      );
      load(true);
      onRestored();
    } catch (e) {
      setNotice(`Restore failed: ${(e as Error).message}`);
    } finally {
      setRestoring(null);
    }
  };

  return (
    <details onToggle={() => load()} data-testid={`versions-${table}`}>
      <summary>Versions</summary>
      {error ? <p className="wb-error">{error}</p> : null}
      {notice ? (
        <p className="wb-muted" role="status" data-testid="restore-notice">
          {notice}
        </p>
      ) : null}
      {history === null && !error ? <p className="wb-muted">Loading…</p> : null}
      <ol className="wb-history">
        {(history ?? []).map((entry, index) => (
          <li key={entry.version} data-testid={`version-${entry.version}`}>
            <button
              type="button"
              title="Query this version"
              onClick={() => onQuery(`SELECT *\nFROM ${table} VERSION AS OF ${entry.version}\nLIMIT 100`)}
            >
              v{entry.version}
            </button>{' '}
            <span>{entry.operation ?? 'commit'}</span>{' '}
            <time className="wb-muted" dateTime={new Date(entry.timestamp).toISOString()}>
              {new Date(entry.timestamp).toLocaleString()}
            </time>
            {/* History is newest first: the first entry is the current version, nothing to restore. */}
            {canRestore && index > 0 ? (
              <>
                {' '}
                <button
                  type="button"
                  className="wb-danger"
                  disabled={restoring !== null}
                  onClick={() => void restore(entry.version)}
                  data-testid="restore-version"
                >
                  {restoring === entry.version ? 'Restoring…' : 'Restore to this version'}
                </button>
              </>
            ) : null}
            <VersionChanges table={table} version={entry.version} />
          </li>
        ))}
      </ol>
    </details>
  );
}
