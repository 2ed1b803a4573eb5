// A run's lineage steps: each table's extract (source table → raw Parquet), apply (raw → Delta table) and sync
// (Delta → MySQL table), reported as child runs of the run (JobContext.reportStep), so the lineage graph links each
// dataset to the one it was made from instead of every input of the pipeline to every output. A context without
// reportStep (the CLI, plain test contexts) gets nothing reported.

import type { RawManifest } from '../cdc/raw-manifest';
import type { DatasetDescription, OutputDescription } from '../lineage/build-events';
import { isQualityCheckError } from '../quality/check-result';
import {
  describeDeltaTable,
  describeMySqlTable,
  describeTableLineage,
  type AppliedVersion,
  withAssertions,
  type LineageLocation,
} from './describe-lineage';
import type { JobContext } from './job-context';
import type { PipelineDefinition } from '../definition/load-definition';
import type { TableSyncRun } from './sync-pipeline';

type Lake = Pick<LineageLocation, 'lakeRootUrl' | 'host'>;

export class StepReporter {
  private startedAt = new Date();
  private readonly manifests = new Map<string, RawManifest>();

  constructor(
    private readonly context: Pick<JobContext, 'reportStep'>,
    private readonly definition: PipelineDefinition,
    /** The source's URL is needed for extract and apply steps only; a sync-only run has none. */
    private readonly where: Lake & { sourceUrl?: string },
  ) {}

  /** The next step starts now (a new stage begins). */
  restart(): void {
    this.startedAt = new Date();
  }

  async extracted(table: string, manifest: RawManifest, reused: boolean): Promise<void> {
    this.manifests.set(table, manifest);
    // A retry's reused extract was reported by the attempt that made it.
    if (reused) return this.restart();
    const lineage = this.describe(table, manifest);
    if (lineage) await this.report(`${table}.extract`, [lineage.source], [lineage.raw]);
  }

  async applied(table: string, apply: AppliedVersion): Promise<void> {
    const manifest = this.manifests.get(table);
    const lineage = manifest && this.describe(table, manifest, apply);
    if (lineage?.delta)
      await this.report(`${table}.apply`, [withAssertions(lineage.raw, apply.checks)], [lineage.delta]);
  }

  async applyFailed(table: string, error: Error): Promise<void> {
    const manifest = this.manifests.get(table);
    const lineage = manifest && this.describe(table, manifest);
    const target = this.definition.tables.find((candidate) => candidate.name === table);
    if (!lineage || !target) return;
    const delta = describeDeltaTable(this.where.lakeRootUrl, this.where.host, target.target);
    const checks = isQualityCheckError(error) ? error.results.quality : undefined;
    await this.report(`${table}.apply`, [withAssertions(lineage.raw, checks)], [delta], error);
  }

  async synced(run: TableSyncRun, mysqlUrl: string): Promise<void> {
    const target = this.definition.tables.find((candidate) => candidate.name === run.table);
    if (!target) return;
    const version = run.result?.version;
    const delta = describeDeltaTable(this.where.lakeRootUrl, this.where.host, target.target, version);
    const mysql = describeMySqlTable(
      mysqlUrl,
      run.mysqlTable,
      run.result ? { version: run.result.version, rows: run.result.rowsUpserted } : undefined,
    );
    await this.report(
      `${run.table}.sync`,
      [withAssertions(delta, run.checks)],
      [mysql],
      run.error,
      run.startedAt,
    );
  }

  private describe(table: string, manifest: RawManifest, apply?: AppliedVersion) {
    const { sourceUrl } = this.where;
    if (sourceUrl === undefined) return undefined;
    return describeTableLineage(this.definition, table, manifest, apply, { ...this.where, sourceUrl });
  }

  private async report(
    name: string,
    inputs: DatasetDescription[],
    outputs: OutputDescription[],
    error?: Error,
    /** The step's own start when steps overlap (syncs side by side); else the end of the previous step. */
    startedAt: Date = this.startedAt,
  ): Promise<void> {
    await this.context.reportStep?.({
      name,
      startedAt,
      inputs,
      outputs,
      ...(error ? { error: { message: error.message, ...(error.stack ? { stack: error.stack } : {}) } } : {}),
    });
    this.restart();
  }
}
