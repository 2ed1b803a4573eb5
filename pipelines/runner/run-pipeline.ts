// Run one pipeline definition end to end: plan every table from its Delta state, extract all of them in ONE
// consistent cut of the source into the raw zone, then apply each to its Delta table (one commit per table).
// Retrying with the same run id reuses finished extracts (their manifests) and their run sequence, so a run
// that already committed is not applied twice. A table that fails (e.g. INCOMPATIBLE_SCHEMA) stops alone.

import { applyRun, type ApplyResult } from '../cdc/apply-run';
import { extractEffectsOf, extractTable } from '../cdc/extract-table';
import { planTableRun, type TablePlan, type TableState } from '../cdc/plan-run';
import { readManifest, type RawManifest } from '../cdc/raw-manifest';
import { readTableState } from '../cdc/read-table-state';
import { getNow, type WriteEffects } from '../delta/write';
import { openSourceSession, type Env } from '../definition/open-source';
import type { Source } from '../sources/source';
import { isQualityCheckError, type CheckResult } from '../quality/check-result';
import { PipelineError } from '../definition/errors';
import { findTable, type PipelineDefinition, type TableDefinition } from '../definition/load-definition';

export interface RunPipelineEffects extends WriteEffects {
  env: Env;
  log?: (message: string) => void;
  /** Opens the source; from the definition's connection and env when absent (tests inject faults here). */
  openSource?: () => Source;
  scratchDir?: string;
  /**
   * Stops the run: the source's running query is cancelled on its server, and nothing is applied after an abort
   * during extraction.
   */
  signal?: AbortSignal;
  /** Told as each table is extracted, when applying starts, and as each table is committed (run records). */
  onProgress?: (event: RunPipelineEvent) => Promise<void> | void;
}

export type RunPipelineEvent =
  | { kind: 'extracted'; table: string; manifest: RawManifest; reused: boolean }
  | { kind: 'applying' }
  | { kind: 'applied'; table: string; apply: ApplyResult };

export interface RunPipelineOptions {
  runId: string;
  /** Only these tables; all when absent. */
  tables?: string[];
  /** Reload (overwrite) instead of reading from the watermark. */
  forceFull?: boolean;
  rowsPerFile?: number;
  batchSize?: number;
}

export interface TableRunResult {
  table: string;
  plan: TablePlan;
  rows: number;
  /** The raw extract: files, schema, watermark range, source position (for lineage and run records). */
  manifest: RawManifest;
  apply?: ApplyResult;
  error?: Error;
  /** The table's pre-commit quality checks (also when they stopped it). */
  checks?: CheckResult[];
}

export interface PipelineRunResult {
  pipeline: string;
  runId: string;
  ok: boolean;
  tables: TableRunResult[];
}

export interface PlannedTable {
  table: TableDefinition;
  state: TableState;
  plan: TablePlan;
}

/** What the next run would do for each table (the `plan` command; also the first step of a run). */
export async function planPipeline(
  effects: WriteEffects,
  definition: PipelineDefinition,
  options: { tables?: string[]; forceFull?: boolean } = {},
): Promise<PlannedTable[]> {
  const tables = options.tables
    ? options.tables.map((name) => findTable(definition, name))
    : definition.tables;
  const planned: PlannedTable[] = [];
  for (const table of tables) {
    const state = await readTableState(effects, definition.name, table.name, table.target);
    const plan = planTableRun(definition.name, table, state, { forceFull: options.forceFull === true });
    planned.push({ table, state, plan });
  }
  return planned;
}

/**
 * Whether a finished extract of this run id may be applied under the current plan. One whose sequence was already
 * committed is reused (apply then finds its txn and applies nothing twice); one not yet committed must have been
 * read the way the plan now says: a restore or manual write in between changes the plan (from where, keys or
 * reload), and applying the old extract would record a watermark the table's data does not reach.
 */
export function fitsPlan(manifest: RawManifest, plan: TablePlan): boolean {
  if (manifest.runSequence !== plan.runSequence) return true;
  if (plan.action !== 'incremental') return manifest.mode === 'full';
  return (
    manifest.mode === 'incremental' &&
    (manifest.watermark?.from ?? null) === plan.watermarkFrom &&
    (!plan.compareKeys || manifest.keyFiles !== null)
  );
}

async function extractAll(
  effects: RunPipelineEffects,
  definition: PipelineDefinition,
  planned: PlannedTable[],
  options: RunPipelineOptions,
): Promise<Map<string, RawManifest>> {
  const manifests = new Map<string, RawManifest>();
  const pending: PlannedTable[] = [];
  for (const item of planned) {
    const done = await readManifest(effects.storage, definition.source.name, item.table.name, options.runId);
    if (done && !fitsPlan(done, item.plan)) {
      effects.log?.(
        `${item.table.name}: the finished extract of run ${options.runId} no longer fits the plan (${item.plan.reason}); extracting again`,
      );
      pending.push(item);
    } else if (done) {
      effects.log?.(`${item.table.name}: reusing the finished extract of run ${options.runId}`);
      manifests.set(item.table.name, done);
      await effects.onProgress?.({ kind: 'extracted', table: item.table.name, manifest: done, reused: true });
    } else {
      pending.push(item);
    }
  }
  if (pending.length === 0) return manifests;
  // Before the cut: when the source cannot tell its own time, this is the latest time the data is surely as of.
  const sessionOpenedAt = new Date(getNow(effects)).toISOString();
  const session = await openSourceSession(definition.source.connection, effects);
  try {
    for (const { table, plan } of pending) {
      const manifest = await extractTable(extractEffectsOf(effects), session, {
        pipeline: definition.name,
        source: definition.source.name,
        table,
        runId: options.runId,
        runSequence: plan.runSequence,
        mode: plan.action === 'incremental' ? 'incremental' : 'full',
        watermarkFrom: plan.watermarkFrom,
        compareKeys: plan.compareKeys,
        sessionOpenedAt,
        ...(options.rowsPerFile ? { rowsPerFile: options.rowsPerFile } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      }).catch((cause: unknown) => {
        throw new PipelineError(
          'EXTRACT_FAILED',
          `Extracting ${table.name} failed: ${(cause as Error).message}`,
          { cause },
        );
      });
      manifests.set(table.name, manifest);
      await effects.onProgress?.({ kind: 'extracted', table: table.name, manifest, reused: false });
    }
  } finally {
    await session.close();
  }
  return manifests;
}

export async function runPipeline(
  effects: RunPipelineEffects,
  definition: PipelineDefinition,
  options: RunPipelineOptions,
): Promise<PipelineRunResult> {
  const planned = await planPipeline(effects, definition, options);
  // Extraction is all or nothing: one cut for every table, and nothing is applied if any extract failed.
  const manifests = await extractAll(effects, definition, planned, options);
  const results: TableRunResult[] = [];
  await effects.onProgress?.({ kind: 'applying' });
  for (const { table, state, plan } of planned) {
    effects.signal?.throwIfAborted();
    const manifest = manifests.get(table.name) as RawManifest;
    try {
      const apply = await applyRun(effects, table, manifest, state.lastRun);
      effects.log?.(
        `${table.name}: ${apply.alreadyApplied ? 'already applied in' : `${apply.action} →`} version ${apply.version}`,
      );
      results.push({
        table: table.name,
        plan,
        rows: manifest.rowCount,
        manifest,
        apply,
        ...(apply.checks.length ? { checks: apply.checks } : {}),
      });
      await effects.onProgress?.({ kind: 'applied', table: table.name, apply });
    } catch (error) {
      effects.log?.(`${table.name}: FAILED ${(error as Error).message}`);
      const checks = isQualityCheckError(error) ? { checks: error.results.quality } : {};
      results.push({
        table: table.name,
        plan,
        rows: manifest.rowCount,
        manifest,
        error: error as Error,
        ...checks,
      });
    }
  }
  return {
    pipeline: definition.name,
    runId: options.runId,
    ok: results.every((r) => !r.error),
    tables: results,
  };
}

/**
 * Whether the sync may follow the run: every table committed, or the only failures are tables stopped by their
 * checks (their Delta tables are unchanged, so the others' MySQL copies must not go stale waiting for a source fix).
 */
export function canSyncAfter(result: PipelineRunResult): boolean {
  return result.tables.every((table) => !table.error || isQualityCheckError(table.error));
}

/** A run id that sorts by time: 20261124T090000Z-1a2b3c. */
export function createRunId(now: Date, random: () => number = Math.random): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, '0')}`;
}
