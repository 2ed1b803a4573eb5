// The datasets a pipeline run read and wrote, for its OpenLineage events (pipelines/lineage): each source table
// (with its schema and the cut's LSN/SCN/binlog position as version), the table's raw Parquet folder (the run's
// own folder as version), and the Delta table at the version the run committed. Pure: the source URL's
// credentials never reach the result.

import { fileURLToPath } from 'node:url';
import type { ApplyResult } from '../cdc/apply-run';
import { rawBytes, type RawManifest } from '../cdc/raw-manifest';
import type { DatasetDescription, OutputDescription } from '../lineage/build-events';
import type { DataQualityAssertion } from '../lineage/types';
import type { CheckResult } from '../quality/check-result';
import { fileNamespace, hdfsNamespace, namespaceFromConnectionUrl, tableName } from '../lineage/namespaces';
import type { PipelineDefinition } from '../definition/load-definition';
import type { TableRunResult } from './run-pipeline';
import type { SyncedTable } from './sync-pipeline';

export interface RunLineage {
  inputs: DatasetDescription[];
  outputs: OutputDescription[];
}

/** Namespace and absolute path prefix of the lake (file:// on this host, or HDFS behind WebHDFS). */
export function describeLakeLocation(rootUrl: string, host: string): { namespace: string; root: string } {
  const url = new URL(rootUrl);
  if (url.protocol === 'file:')
    return { namespace: fileNamespace(host), root: fileURLToPath(url).replace(/\/$/, '') };
  return { namespace: hdfsNamespace(url.hostname), root: url.pathname.replace(/\/$/, '') };
}

/** Where a run reads and writes: the source's URL (credentials are dropped), the lake's root, this host. */
export interface LineageLocation {
  sourceUrl: string;
  lakeRootUrl: string;
  host: string;
}

/** One table of a run: its source table, its raw Parquet folder, and the Delta table once the run applied it. */
export interface TableLineage {
  source: DatasetDescription;
  raw: OutputDescription;
  delta?: OutputDescription;
}

/** What lineage needs of a commit: a run's apply or a repair's merge. */
/** What lineage needs of a commit: its version and metrics, and the checks run on its incoming rows. */
export type AppliedVersion = Pick<ApplyResult, 'version' | 'metrics'> & Partial<Pick<ApplyResult, 'checks'>>;

export function describeTableLineage(
  definition: PipelineDefinition,
  name: string,
  manifest: RawManifest,
  apply: AppliedVersion | undefined,
  where: LineageLocation,
): TableLineage {
  const table = definition.tables.find((candidate) => candidate.name === name);
  const namespace = namespaceFromConnectionUrl(where.sourceUrl);
  const database = decodeURIComponent(new URL(where.sourceUrl).pathname.replace(/^\//, '')) || undefined;
  const lake = describeLakeLocation(where.lakeRootUrl, where.host);
  const fields = manifest.schema.map((column) => ({ name: column.name, type: column.type.delta }));
  const lineage: TableLineage = {
    source: {
      namespace,
      name: tableName(database, table?.schema, name),
      fields: manifest.schema.map((column) => ({ name: column.name, type: column.sourceType })),
      dataSource: { name: definition.source.name, uri: namespace },
      ...(manifest.position.value ? { version: manifest.position.value } : {}),
    },
    raw: {
      namespace: lake.namespace,
      // One dataset per table's landing folder, the run's own folder being its version: a dataset per run would
      // add a node to the graph and the picker every hour.
      name: `${lake.root}/raw/${manifest.source}/${manifest.table}`,
      fields,
      version: manifest.runId,
      statistics: {
        rowCount: manifest.rowCount,
        size: rawBytes(manifest),
        fileCount: manifest.files.length,
      },
    },
  };
  if (apply && table) {
    lineage.delta = {
      namespace: lake.namespace,
      name: `${lake.root}/${table.target}`,
      fields,
      version: apply.version,
      statistics: deltaStatistics(manifest.rowCount, apply.metrics),
    };
  }
  return lineage;
}

/** Check results as OpenLineage assertions: a one-column check by kind and column, the others by their label. */
export function toAssertions(results: CheckResult[] | undefined): DataQualityAssertion[] {
  return (results ?? []).map((result) =>
    result.column !== undefined
      ? { assertion: result.kind, success: result.passed, column: result.column }
      : { assertion: result.check, success: result.passed },
  );
}

/** The dataset with the checks run on it, when there were any. */
export function withAssertions<D extends DatasetDescription>(
  dataset: D,
  results: CheckResult[] | undefined,
): D {
  const assertions = toAssertions(results);
  return assertions.length ? { ...dataset, assertions } : dataset;
}

export function describeRunLineage(
  definition: PipelineDefinition,
  result: {
    tables: (Pick<TableRunResult, 'table' | 'manifest'> &
      Partial<Pick<TableRunResult, 'checks'>> & { apply?: AppliedVersion })[];
  },
  options: LineageLocation,
): RunLineage {
  const inputs: DatasetDescription[] = [];
  const outputs: OutputDescription[] = [];
  for (const run of result.tables) {
    const table = describeTableLineage(definition, run.table, run.manifest, run.apply, options);
    // The incoming rows' checks are about what was read from the source table.
    inputs.push(withAssertions(table.source, run.checks));
    outputs.push(table.raw, ...(table.delta ? [table.delta] : []));
  }
  return { inputs, outputs };
}

/** Rows the run wrote, and the bytes and files its commit added (create/append/overwrite or merge metrics). */
function deltaStatistics(rowCount: number, metrics: Record<string, number>): OutputDescription['statistics'] {
  const size = metrics.numOutputBytes ?? metrics.numTargetBytesAdded;
  const fileCount = metrics.numFiles ?? metrics.numTargetFilesAdded;
  return {
    rowCount,
    ...(size !== undefined ? { size } : {}),
    ...(fileCount !== undefined ? { fileCount } : {}),
  };
}

/** A MySQL table as an OpenLineage dataset: namespace mysql://host:port, name <database>.<table>. */
export function describeMySqlTable(
  mysqlUrl: string,
  mysqlTable: string,
  synced?: { version: number; rows: number },
): OutputDescription {
  const database = decodeURIComponent(new URL(mysqlUrl).pathname.replace(/^\//, '')) || undefined;
  return {
    namespace: namespaceFromConnectionUrl(mysqlUrl),
    name: tableName(database, mysqlTable),
    ...(synced ? { version: synced.version, statistics: { rowCount: synced.rows } } : {}),
  };
}

/** A Delta table of the lake as a dataset (its version once known). */
export function describeDeltaTable(
  lakeRootUrl: string,
  host: string,
  target: string,
  version?: number,
): DatasetDescription {
  const lake = describeLakeLocation(lakeRootUrl, host);
  return {
    namespace: lake.namespace,
    name: `${lake.root}/${target}`,
    ...(version !== undefined ? { version } : {}),
  };
}

/** What a run will read and write, before it starts: declared early so a FAIL event still names them. */
export function declarePipelineLineage(
  definition: PipelineDefinition,
  options: { sourceUrl: string; lakeRootUrl: string; host: string; mysqlUrl: string | null },
): RunLineage {
  const namespace = namespaceFromConnectionUrl(options.sourceUrl);
  const database = decodeURIComponent(new URL(options.sourceUrl).pathname.replace(/^\//, '')) || undefined;
  return {
    inputs: definition.tables.map((table) => ({
      namespace,
      name: tableName(database, table.schema, table.name),
      dataSource: { name: definition.source.name, uri: namespace },
    })),
    outputs: [
      ...definition.tables.map((table) =>
        describeDeltaTable(options.lakeRootUrl, options.host, table.target),
      ),
      ...(options.mysqlUrl ? describeMySqlTargets(definition, options.mysqlUrl) : []),
    ],
  };
}

/** The MySQL tables a pipeline syncs into, before they are synced (no version yet). */
export function describeMySqlTargets(definition: PipelineDefinition, mysqlUrl: string): DatasetDescription[] {
  return definition.tables
    .filter((table): table is SyncedTable => table.sync !== undefined)
    .map((table) => describeMySqlTable(mysqlUrl, table.sync.table));
}
