// A one-off pipeline run's options (job-context.ts JobRunOptions) as the pipeline job carries them out: how the run
// describes itself (log line, progress, so the run record says it was a reload), and the time-range re-extract as
// a stage of the job with its progress and lineage steps.

import { rawBytes } from '../cdc/raw-manifest';
import type { DuckDbSession } from '../engine/duckdb-session';
import type { LakeStorage } from '../lake/storage';
import type { Env } from '../definition/open-source';
import type { PipelineDefinition } from '../definition/load-definition';
import type { JobProgress, JobRunOptions, ProgressTracker } from './job-context';
import { parseTimeRange, repairRange, type RepairRangeResult } from './repair-range';
import type { PipelineRunResult } from './run-pipeline';
import type { StepReporter } from './step-reporter';

export interface DescribedRunOptions {
  /** "full reload of parcels", "re-extract of parcels …": null for a plain run. */
  summary: string | null;
  tables: string[] | undefined;
  progress: JobProgress;
}

export function describeRunOptions(options: JobRunOptions): DescribedRunOptions {
  if (options.range) {
    const { table, from, to } = options.range;
    return {
      summary: `re-extract of ${table} rows with watermark in [${from}, ${to}) (the watermark stays)`,
      tables: [table],
      progress: { request: 'range', requestTables: table, rangeFrom: from, rangeTo: to },
    };
  }
  const tables = options.tables && options.tables.length > 0 ? options.tables : undefined;
  if (!options.full && !tables) return { summary: null, tables: undefined, progress: {} };
  const which = tables ? tables.join(', ') : 'every table';
  return {
    summary: `${options.full ? 'full reload' : 'run'} of ${which}`,
    tables,
    progress: {
      request: options.full ? 'full' : 'tables',
      ...(tables ? { requestTables: tables.join(',') } : {}),
    },
  };
}

export interface RangeRepairEffects {
  storage: LakeStorage;
  duckdb: DuckDbSession;
  env: Env;
  signal: AbortSignal;
  log: (message: string) => void;
}

/** The time-range re-extract as the job's extract and apply stages; its result has no pipeline-run tables. */
export async function runRangeRepair(
  effects: RangeRepairEffects,
  definition: PipelineDefinition,
  range: NonNullable<JobRunOptions['range']>,
  runId: string,
  report: { steps: StepReporter; tracker: ProgressTracker },
): Promise<PipelineRunResult & { repair: RepairRangeResult }> {
  const { steps, tracker } = report;
  // Job data is checked when queued; checked again here, so a hand-made job cannot read an arbitrary range.
  const checked = parseTimeRange(range.from, range.to);
  const repair = await repairRange(
    {
      ...effects,
      onExtracted: async (manifest, reused) => {
        await steps.extracted(manifest.table, manifest, reused);
        await tracker.table(manifest.table, {
          rowsExtracted: manifest.rowCount,
          files: manifest.files.length,
          bytes: rawBytes(manifest),
        });
        steps.restart();
        await tracker.stage('apply');
      },
    },
    definition,
    { table: range.table, range: checked, runId },
  );
  await steps.applied(repair.table, repair);
  await tracker.table(repair.table, {}, { deltaVersion: repair.version, repairedRows: repair.repair.rows });
  return { pipeline: definition.name, runId, ok: true, tables: [], repair };
}
