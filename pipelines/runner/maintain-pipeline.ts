// Delta maintenance of a pipeline's tables (the scheduler's `delta.maintenance`, daily at a quiet hour): per
// table, compact small files (optimize: rows unchanged, dataChange=false, so the MySQL sync sends nothing),
// write a checkpoint at the latest version so readers stop replaying JSON commits, then vacuum files that no
// version within the retention still references. The retention is never below the table's own
// delta.deletedFileRetentionDuration, so readers of recent versions and running writers keep their files.

import { isDeltaError, loadSnapshot } from '../delta/index';
import { optimize, vacuum, writeCheckpoint, type WriteEffects } from '../delta/write/index';
import { getDeletedFileRetentionMs, HOUR_MS } from '../delta/write/table-properties';
import { countRowsFromStats } from '../sync/plan-sync';
import type { PipelineDefinition } from '../definition/load-definition';

export const DEFAULT_VACUUM_RETENTION_HOURS = 7 * 24;

export interface MaintenanceOptions {
  /** Vacuum retention; raised to the table's own retention when that is longer. Default 7 days. */
  retentionHours?: number;
  /** Files below this size are compacted (default: the writer's target file size, 128 MiB). */
  targetFileSize?: number;
  tables?: string[];
  onTable?: (report: TableMaintenance) => Promise<void> | void;
}

export interface TableMaintenance {
  table: string;
  target: string;
  /** False when the Delta table does not exist yet (the pipeline has not run). */
  exists: boolean;
  filesCompacted: number;
  filesWritten: number;
  /** The version after maintenance (the optimize commit, when it compacted). */
  version: number | null;
  checkpointVersion: number | null;
  retentionHours: number;
  filesVacuumed: number;
  bytesVacuumed: number;
  rows: number | null;
}

async function maintainTable(
  effects: WriteEffects & { log?: (line: string) => void },
  name: string,
  target: string,
  options: MaintenanceOptions,
): Promise<TableMaintenance> {
  const requested = options.retentionHours ?? DEFAULT_VACUUM_RETENTION_HOURS;
  const empty = {
    table: name,
    target,
    filesCompacted: 0,
    filesWritten: 0,
    version: null,
    checkpointVersion: null,
    retentionHours: requested,
    filesVacuumed: 0,
    bytesVacuumed: 0,
    rows: null,
  };
  let before;
  try {
    before = await loadSnapshot(effects, target);
  } catch (error) {
    if (isDeltaError(error, 'TABLE_NOT_FOUND')) return { ...empty, exists: false };
    throw error;
  }
  const compacted = await optimize(effects, target, {
    ...(options.targetFileSize ? { targetFileSize: options.targetFileSize } : {}),
  });
  const checkpoint = await writeCheckpoint(effects, target);
  const tableRetentionHours = getDeletedFileRetentionMs(before.metadata.configuration ?? {}) / HOUR_MS;
  const retentionHours = Math.max(requested, tableRetentionHours);
  const vacuumed = await vacuum(effects, target, { retentionHours });
  const report: TableMaintenance = {
    ...empty,
    exists: true,
    filesCompacted: compacted.metrics.numFilesRemoved ?? 0,
    filesWritten: compacted.metrics.numFilesAdded ?? 0,
    version: checkpoint.version,
    checkpointVersion: checkpoint.version,
    retentionHours,
    filesVacuumed: vacuumed.files.length,
    bytesVacuumed: vacuumed.bytes,
    // Live rows: records less the rows deletion vectors drop (null when a file's stats lack its row count).
    rows: countRowsFromStats(before.files),
  };
  effects.log?.(
    `${name}: compacted ${report.filesCompacted} small file(s) into ${report.filesWritten}, checkpoint at v${report.checkpointVersion}, ` +
      `vacuumed ${report.filesVacuumed} file(s) (${report.bytesVacuumed} bytes) older than ${retentionHours} h`,
  );
  return report;
}

/** Maintains every table of the pipeline; a table that fails stops the job (the error names it). */
export async function maintainPipelineTables(
  effects: WriteEffects & { log?: (line: string) => void; signal?: AbortSignal },
  definition: PipelineDefinition,
  options: MaintenanceOptions = {},
): Promise<TableMaintenance[]> {
  const reports: TableMaintenance[] = [];
  const tables = definition.tables.filter((t) => !options.tables || options.tables.includes(t.name));
  for (const table of tables) {
    effects.signal?.throwIfAborted();
    let report: TableMaintenance;
    try {
      report = await maintainTable(effects, table.name, table.target, options);
    } catch (cause) {
      throw new Error(`Maintenance of ${table.name} (${table.target}) failed: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (!report.exists) effects.log?.(`${table.name}: no Delta table at ${table.target} yet; nothing to do`);
    reports.push(report);
    await options.onTable?.(report);
  }
  return reports;
}
