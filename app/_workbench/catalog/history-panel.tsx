'use client';
// The analyst's recent queries (server-side, per user, across notebooks); a click opens one as a new cell.

import { useEffect, useState } from 'react';
import type { QueryHistoryEntry } from '@/server/notebooks/query-history';
import { api } from '../api';

export function HistoryPanel({ refreshKey, onOpen }: { refreshKey: number; onOpen(sql: string): void }) {
  const [entries, setEntries] = useState<QueryHistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listHistory(30).then(
      (list) => {
        setEntries(list);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [refreshKey]);
  return (
    <details className="wb-history-panel" data-testid="query-history">
      <summary>
        <h2>Query history</h2>
      </summary>
      {error ? <p className="wb-error">{error}</p> : null}
      {entries?.length === 0 ? <p className="wb-muted">Queries you run appear here.</p> : null}
      <ol className="wb-history-list">
        {entries?.map((entry) => (
          <li key={`${entry.at}-${entry.sql.length}`}>
            <button
              type="button"
              className="wb-link"
              title="Open as a new cell"
              onClick={() => onOpen(entry.sql)}
            >
              {entry.sql.replace(/\s+/g, ' ').slice(0, 90)}
            </button>
            <span className="wb-muted">
              {new Date(entry.at).toLocaleTimeString()} · {entry.runOn}
              {entry.error
                ? ' · failed'
                : entry.rows !== undefined
                  ? ` · ${entry.rows.toLocaleString()} rows`
                  : ''}
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
