'use client';
// The catalog beside the notebook: every lake table with its schema, rows, size and versions; insert its name
// into the notebook, preview it, query an earlier version, or (admins) restore one. Column names also go to the
// editor's completion and hover, from the same list (notebook-page.tsx).

import type { TableSummary } from '@/server/api/workbench/types';
import { can, useCurrentUser } from '../../_lib/use-current-user';
import { insertIntoEditor } from '../editor/setup-monaco';
import { sqlNameOf } from '@/server/notebooks/sql-rewrite';
import { HistoryPanel } from './history-panel';
import { VersionHistory } from './version-history';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

interface CatalogSidebarProps {
  tables: TableSummary[] | null;
  error: string | null;
  /** Adds a SQL cell with this text and runs it. */
  onQuery(sql: string): void;
  onRefresh(): void;
  /** Adds a SQL cell with this text without running it. */
  onOpen(sql: string): void;
  historyKey: number;
  /** Folds the catalog away (catalog-column.tsx). */
  onCollapse?(): void;
}

interface TableEntryProps {
  table: TableSummary;
  canRestore: boolean;
  onQuery(sql: string): void;
  onRestored(): void;
}

function TableEntry({ table, canRestore, onQuery, onRestored }: TableEntryProps) {
  return (
    <details className="wb-table" data-testid={`catalog-table-${table.name}`}>
      <summary>
        <span className="wb-table-name">{table.name}</span>
        <span className="wb-muted">
          {table.error
            ? 'unreadable'
            : `${table.rowCount === null ? '?' : table.rowCount.toLocaleString()} rows · ${formatBytes(table.sizeBytes)} · v${table.version}`}
        </span>
      </summary>
      {table.error ? <p className="wb-error">{table.error}</p> : null}
      <ul className="wb-columns">
        {table.columns.map((column) => (
          <li key={column.name}>
            <button
              type="button"
              className="wb-link"
              title="Insert into the editor"
              onClick={() => insertIntoEditor(column.name)}
            >
              {column.name}
            </button>
            <span className="wb-muted">
              {/* A variant reads as DuckDB JSON on the server path; the catalog names the table's own type. */}
              {column.deltaType === 'variant' ? 'VARIANT (JSON, server path)' : column.duckdbType}
              {column.partition ? ' · partition' : ''}
            </span>
          </li>
        ))}
      </ul>
      <div className="wb-table-actions">
        <button type="button" onClick={() => onQuery(`SELECT *\nFROM ${table.name}\nLIMIT 100`)}>
          Preview
        </button>
        <button
          type="button"
          title="Insert the table name at the cursor of the last SQL cell you typed in"
          onClick={() => {
            if (!insertIntoEditor(sqlNameOf(table.name)))
              void navigator.clipboard?.writeText(sqlNameOf(table.name));
          }}
        >
          Insert
        </button>
      </div>
      <VersionHistory table={table.name} canRestore={canRestore} onQuery={onQuery} onRestored={onRestored} />
    </details>
  );
}

export function CatalogSidebar({
  tables,
  error,
  onQuery,
  onRefresh,
  onOpen,
  historyKey,
  onCollapse,
}: CatalogSidebarProps) {
  // Only hides or shows the admin action; the restore route authorizes on its own.
  const canRestore = can(useCurrentUser(), 'delta:restore');
  return (
    <aside className="wb-catalog" aria-label="Catalog">
      <div className="wb-catalog-head">
        <h2>Tables</h2>
        <span className="wb-spacer" />
        <button type="button" onClick={onRefresh} title="Reload the catalog">
          ↻
        </button>
        {onCollapse ? (
          <button
            type="button"
            onClick={onCollapse}
            aria-label="Hide the catalog"
            title="Hide the catalog"
            data-testid="catalog-collapse"
          >
            ◂
          </button>
        ) : null}
      </div>
      {error ? <p className="wb-error">{error}</p> : null}
      {tables === null && !error ? <p className="wb-muted">Loading…</p> : null}
      {tables?.length === 0 ? (
        <p className="wb-muted">No Delta tables under the lake’s tables/ folder yet.</p>
      ) : null}
      {tables?.map((table) => (
        <TableEntry
          key={table.name}
          table={table}
          canRestore={canRestore}
          onQuery={onQuery}
          onRestored={onRefresh}
        />
      ))}
      <HistoryPanel refreshKey={historyKey} onOpen={onOpen} />
    </aside>
  );
}
