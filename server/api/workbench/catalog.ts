// Catalog commands: the Delta tables under the lake's tables/ folder, one snapshot, one table's history.

import {
  isDeltaError,
  loadSnapshot,
  readHistory,
  type HistoryEntry,
  type Snapshot,
  type SnapshotOptions,
} from '@/pipelines/delta';
import { listDeltaTables, tableRootOf as rootOfTable } from '@/pipelines/definition/table-roots';
import { countRows, describeColumns, describeSnapshot } from './describe-snapshot';
import type { LakeContext } from './lake-context';
import type { HistoryItem, SnapshotView, TableSummary } from './types';
import { WorkbenchError } from './workbench-error';

export function tableRootOf(table: string): string {
  const root = rootOfTable(table);
  if (root === undefined) throw new WorkbenchError('TABLE_NOT_FOUND', `No table named '${table}'`);
  return root;
}

const ZONELESS = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?$/;

/**
 * Timestamps without a zone ('2026-11-01 10:00') are read as UTC, like every time in the workbench (both DuckDB
 * sessions run in UTC); JavaScript would otherwise read them in the server's local zone.
 */
export function normalizeTimestamp(value: string): string {
  const match = ZONELESS.exec(value.trim());
  if (!match) return value;
  return `${match[1]}T${match[2] ?? '00:00'}Z`;
}

/** Loads a snapshot, turning the Delta reader's errors into ones the analyst can act on. */
export async function openSnapshot(
  context: LakeContext,
  table: string,
  options: SnapshotOptions = {},
): Promise<Snapshot> {
  const root = tableRootOf(table);
  const resolved =
    typeof options.timestamp === 'string'
      ? { ...options, timestamp: normalizeTimestamp(options.timestamp) }
      : options;
  try {
    return await loadSnapshot(context, root, resolved);
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) {
      throw new WorkbenchError('TABLE_NOT_FOUND', `No Delta table named '${table}'`, { cause: error });
    }
    if (
      isDeltaError(error, 'VERSION_NOT_FOUND') ||
      isDeltaError(error, 'TIMESTAMP_NOT_FOUND') ||
      isDeltaError(error, 'INVALID_ARGUMENT')
    ) {
      throw new WorkbenchError('VERSION_NOT_FOUND', `${table}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Every Delta table under tables/ (listDeltaTables names them) with its current version, schema, size and row count. */
export async function listTables(context: LakeContext): Promise<TableSummary[]> {
  const tables = await listDeltaTables(context.storage);
  return Promise.all(
    tables.map(async ({ name }): Promise<TableSummary> => {
      try {
        const snapshot = await openSnapshot(context, name);
        const history = await readHistory(context, tableRootOf(name), { limit: 1 });
        return {
          name,
          version: snapshot.version,
          columns: describeColumns(snapshot),
          partitionColumns: snapshot.partitionColumns,
          fileCount: snapshot.files.length,
          sizeBytes: snapshot.files.reduce((sum, file) => sum + file.size, 0),
          rowCount: countRows(snapshot),
          updatedAt: history[0]?.timestamp ?? null,
        };
      } catch (error) {
        // One unreadable table must not hide the others; the catalog shows why it cannot be read.
        return {
          name,
          version: -1,
          columns: [],
          partitionColumns: [],
          fileCount: 0,
          sizeBytes: 0,
          rowCount: null,
          updatedAt: null,
          error: (error as Error).message,
        };
      }
    }),
  );
}

export async function getSnapshotView(
  context: LakeContext,
  table: string,
  options: SnapshotOptions,
): Promise<SnapshotView> {
  return describeSnapshot(context, table, await openSnapshot(context, table, options));
}

export async function getHistory(context: LakeContext, table: string, limit: number): Promise<HistoryItem[]> {
  await openSnapshot(context, table); // a clear 404 for a missing table
  const entries: HistoryEntry[] = await readHistory(context, tableRootOf(table), { limit });
  return entries.map((entry) => ({
    version: entry.version,
    timestamp: entry.timestamp,
    operation: entry.operation ?? null,
    operationParameters: entry.operationParameters ?? null,
    engineInfo: entry.engineInfo ?? null,
    actionCounts: entry.actionCounts,
  }));
}
