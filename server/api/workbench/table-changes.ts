// A table's row-level changes between two versions for the catalog (GET /api/catalog/tables/<table>/changes):
// the change feed of pipelines/delta/changes.ts, read batch by batch and cut at a row limit, so a long range costs
// the web process at most `limit` rows of memory.

import { DeltaError, isDeltaError, openChangeFeed, type ChangeSource } from '@/pipelines/delta';
import { ApiError } from '../errors';
import { tableRootOf } from './catalog';
import type { LakeContext } from './lake-context';
import { WorkbenchError } from './workbench-error';

export interface TableChanges {
  table: string;
  from: number;
  to: number;
  latest: number;
  /** False: the table has no delta.enableChangeDataFeed, every change is derived from added and removed files. */
  changeDataFeedEnabled: boolean;
  /** Where each version's changes came from (versions without data changes are absent). */
  sources: Record<number, ChangeSource>;
  columns: string[];
  rows: Record<string, unknown>[];
  /** True when more rows changed than `limit`: the rows are the first ones, in version order. */
  truncated: boolean;
}

/** Turns the feed's range errors into the API's: a bad range is the caller's input, a missing version a 404. */
export function toChangesApiError(table: string, error: unknown): unknown {
  if (isDeltaError(error, 'INVALID_ARGUMENT')) {
    return new ApiError('INVALID_INPUT', `${table}: ${(error as DeltaError).message}`, { cause: error });
  }
  if (isDeltaError(error, 'VERSION_NOT_FOUND')) {
    return new WorkbenchError('VERSION_NOT_FOUND', `${table}: ${(error as DeltaError).message}`, {
      cause: error,
    });
  }
  if (isDeltaError(error, 'TABLE_NOT_FOUND')) {
    return new WorkbenchError('TABLE_NOT_FOUND', `No Delta table named '${table}'`, { cause: error });
  }
  if (isDeltaError(error, 'UNSUPPORTED_FEATURE') || isDeltaError(error, 'READ_FAILED')) {
    return new WorkbenchError('UNSUPPORTED_TABLE', `${table}: ${(error as DeltaError).message}`, {
      cause: error,
    });
  }
  return error;
}

export async function readTableChanges(
  context: LakeContext,
  table: string,
  range: { from: number; to?: number },
  limit: number,
): Promise<TableChanges> {
  const root = tableRootOf(table);
  try {
    const feed = await openChangeFeed(context, root, range);
    const rows: Record<string, unknown>[] = [];
    const sources: Record<number, ChangeSource> = {};
    let truncated = false;
    for await (const batch of feed.batches()) {
      try {
        Object.assign(sources, batch.sources);
        if (!batch.sql) continue;
        for await (const row of context.duckdb.streamJson(batch.sql)) {
          if (rows.length === limit) {
            truncated = true;
            break;
          }
          rows.push(row);
        }
      } finally {
        await batch.release();
      }
      if (truncated) break;
    }
    return {
      table,
      from: feed.from,
      to: feed.to,
      latest: feed.latest,
      changeDataFeedEnabled: feed.changeDataFeedEnabled,
      sources,
      columns: feed.columns,
      rows,
      truncated,
    };
  } catch (error) {
    throw toChangesApiError(table, error);
  }
}
