// The raw zone of one run of one table: raw/<source>/<table>/<run-id>/part-NNNNN.parquet, written first, and
// _manifest.json, written last. A run directory without a manifest is an unfinished extract and is never
// applied; the manifest is what apply reads (files, rows, schema, watermark range, source position).

import type { LakeStorage } from '../lake/storage';
import { PipelineError } from '../definition/errors';
import type { SourceColumn, SourcePosition } from '../sources/source';

export interface RawFile {
  /** Lake-relative path. */
  path: string;
  rows: number;
  bytes: number;
}

export interface RawManifest {
  formatVersion: 1;
  pipeline: string;
  source: string;
  table: string;
  runId: string;
  /** The txn version this run commits with (Delta idempotence: appId pipeline/table). */
  runSequence: number;
  mode: 'full' | 'incremental';
  position: SourcePosition;
  startedAt: string;
  finishedAt: string;
  /**
   * When the session's consistent read of the source began (the source's clock, else the worker's just before
   * it opened the session): every change committed before it is in this extract. Absent in manifests written
   * before issue 14.
   */
  dataAsOf?: string | null;
  schema: SourceColumn[];
  primaryKey: string[];
  rowCount: number;
  files: RawFile[];
  /**
   * Watermark column, the lower bound read from (and the exclusive upper bound of a time-range re-extract), and
   * the range of values seen (ISO text for timestamps).
   */
  watermark: {
    column: string;
    from: string | null;
    to?: string;
    min: string | null;
    max: string | null;
  } | null;
  /** All keys of the source at this cut, when this run compares keys to find deletes. */
  keyFiles: RawFile[] | null;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Bytes of a run's raw Parquet files for one table (lineage statistics, run progress). */
export function rawBytes(manifest: Pick<RawManifest, 'files'>): number {
  return manifest.files.reduce((total, file) => total + file.bytes, 0);
}

export function assertRunId(runId: string): string {
  if (!RUN_ID.test(runId) || runId.includes('..')) {
    throw new PipelineError(
      'INVALID_DEFINITION',
      `Run id '${runId}' must be letters, digits, '.', '_' or '-'`,
    );
  }
  return runId;
}

export function getRawRunDir(source: string, table: string, runId: string): string {
  return `raw/${source}/${table}/${assertRunId(runId)}`;
}

export function getManifestPath(source: string, table: string, runId: string): string {
  return `${getRawRunDir(source, table, runId)}/_manifest.json`;
}

export async function writeManifest(storage: LakeStorage, manifest: RawManifest): Promise<string> {
  const path = getManifestPath(manifest.source, manifest.table, manifest.runId);
  await storage.write(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

/** The manifest of a finished extract, or null when the run has none (not extracted, or cut short). */
export async function readManifest(
  storage: LakeStorage,
  source: string,
  table: string,
  runId: string,
): Promise<RawManifest | null> {
  const path = getManifestPath(source, table, runId);
  if (!(await storage.stat(path))) return null;
  const text = new TextDecoder().decode(await storage.read(path));
  return JSON.parse(text) as RawManifest;
}
