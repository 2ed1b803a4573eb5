// Re-extract a time range of one table: read the rows whose watermark is in [from, to) in one cut of the source,
// then merge them into the Delta table as a repair commit (apply-repair.ts) that does not move the table's
// watermark or run sequence. For rows changed in the source without the pipeline seeing it (a rollback, a fix made
// behind the watermark); the next run carries on from where the last run left off.

import { applyRepair, loadRepairTarget, nextRepairSequence, type RepairResult } from '../cdc/apply-repair';
import { extractEffectsOf, extractTable } from '../cdc/extract-table';
import { readManifest, type RawManifest } from '../cdc/raw-manifest';
import type { WriteEffects } from '../delta/write';
import { PipelineError } from '../definition/errors';
import { findTable, type PipelineDefinition, type TableDefinition } from '../definition/load-definition';
import { openSourceSession, type Env } from '../definition/open-source';
import type { Source } from '../sources/source';

export interface TimeRange {
  /** Inclusive lower bound, ISO-8601 UTC. */
  from: string;
  /** Exclusive upper bound, ISO-8601 UTC. */
  to: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

function parseBound(value: string, name: 'from' | 'to'): number {
  const text = value.trim();
  if (!DATE.test(text) && !TIMESTAMP.test(text)) {
    throw new PipelineError(
      'INVALID_RANGE',
      `"${value}" is not a date or timestamp for ${name}: use 2026-11-24, 2026-11-24T08:00 or 2026-11-24T08:00:00Z (UTC unless a zone is given)`,
    );
  }
  // No zone means UTC, like the watermarks the runs record; a bare date is its midnight.
  let iso = text.replace(' ', 'T');
  if (DATE.test(text)) iso = `${text}T00:00:00Z`;
  else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso = `${iso}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new PipelineError('INVALID_RANGE', `"${value}" is not a valid ${name} time`);
  return ms;
}

/** Validates and normalizes a range given by a person (dates or timestamps); from must come before to. */
export function parseTimeRange(from: string, to: string): TimeRange {
  const start = parseBound(from, 'from');
  const end = parseBound(to, 'to');
  if (start >= end) {
    throw new PipelineError(
      'INVALID_RANGE',
      `The range is empty: from (${from}) must come before to (${to})`,
    );
  }
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

/** The table a range re-extract may read: incremental, with a watermark column. */
export function findRangeTable(
  definition: PipelineDefinition,
  name: string,
): TableDefinition & { watermark: string } {
  const table = findTable(definition, name);
  if (table.mode !== 'incremental' || !table.watermark) {
    throw new PipelineError(
      'INVALID_RANGE',
      `Table ${name} of ${definition.name} is not incremental with a watermark column, so it has no time range to re-extract; reload it in full instead`,
    );
  }
  return table as TableDefinition & { watermark: string };
}

export interface RepairRangeEffects extends WriteEffects {
  env: Env;
  log?: (message: string) => void;
  openSource?: () => Source;
  signal?: AbortSignal;
  scratchDir?: string;
  /** Told when the rows are extracted (run progress, lineage steps). */
  onExtracted?: (manifest: RawManifest, reused: boolean) => Promise<void> | void;
}

export interface RepairRangeResult extends RepairResult {
  manifest: RawManifest;
  range: TimeRange;
}

export async function repairRange(
  effects: RepairRangeEffects,
  definition: PipelineDefinition,
  request: { table: string; range: TimeRange; runId: string },
): Promise<RepairRangeResult> {
  const table = findRangeTable(definition, request.table);
  const { range } = request;
  // A retry of the same run reuses its finished extract, and its repair counter with it (applied once).
  let manifest = await readManifest(effects.storage, definition.source.name, table.name, request.runId);
  const reused = manifest !== null;
  if (!manifest) {
    const snapshot = await loadRepairTarget(effects, table);
    const session = await openSourceSession(definition.source.connection, effects);
    try {
      manifest = await extractTable(extractEffectsOf(effects), session, {
        pipeline: definition.name,
        source: definition.source.name,
        table,
        runId: request.runId,
        runSequence: nextRepairSequence(snapshot, definition.name, table.name),
        mode: 'incremental',
        watermarkFrom: range.from,
        watermarkTo: range.to,
        compareKeys: false,
      }).catch((cause: unknown) => {
        throw new PipelineError(
          'EXTRACT_FAILED',
          `Extracting ${table.name} ${range.from} to ${range.to} failed: ${(cause as Error).message}`,
          { cause },
        );
      });
    } finally {
      await session.close();
    }
  }
  await effects.onExtracted?.(manifest, reused);
  effects.signal?.throwIfAborted();
  const result = await applyRepair(effects, table, manifest, 'range').catch((cause: unknown) => {
    throw new PipelineError('APPLY_FAILED', `Repairing ${table.name} failed: ${(cause as Error).message}`, {
      cause,
    });
  });
  effects.log?.(
    `${table.name}: ${manifest.rowCount} row(s) with ${table.watermark} in [${range.from}, ${range.to}) ` +
      (manifest.rowCount === 0
        ? 'found: nothing to merge, no commit'
        : `${result.alreadyApplied ? 'already merged in' : 'merged →'} version ${result.version}`) +
      '; the watermark is unchanged',
  );
  return { ...result, manifest, range };
}
