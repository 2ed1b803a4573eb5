'use client';
// The History panel of a notebook: its last 50 saves (version, time, who), each restorable. Restoring is a new
// save with the old content, so it can itself be undone from the same list.

import { useEffect, useState } from 'react';
import type { NotebookVersionInfo } from '@/server/notebooks/notebook-versions';
import { api } from '../api';
import { ErrorNotice } from '../error-notice';

interface NotebookHistoryProps {
  id: string;
  /** Bumped after each save, so the list shows the latest. */
  currentVersion: number;
  onRestored(): void;
}

export function NotebookHistory({ id, currentVersion, onRestored }: NotebookHistoryProps) {
  const [versions, setVersions] = useState<NotebookVersionInfo[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.listVersions(id).then(setVersions, (e: Error) => setError(e));
  }, [id, currentVersion]);

  const restore = async (version: number) => {
    if (!window.confirm(`Restore version ${version}? It becomes a new version; nothing is lost.`)) return;
    setBusy(true);
    try {
      await api.restoreVersion(id, version);
      onRestored();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wb-history-panel" data-testid="notebook-history">
      {error ? <ErrorNotice error={error} /> : null}
      {versions === null && !error ? <p className="wb-muted">Loading the history…</p> : null}
      <ul>
        {versions?.map((entry, index) => (
          <li key={entry.version} data-testid="notebook-version" data-version={entry.version}>
            <strong>v{entry.version}</strong> <span>{new Date(entry.at).toLocaleString()}</span>{' '}
            <span className="wb-muted">{entry.user ?? 'unknown'}</span>{' '}
            {index === 0 ? (
              <span className="wb-muted">(current)</span>
            ) : (
              <button type="button" disabled={busy} onClick={() => void restore(entry.version)}>
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
