// Creating a table: version 0 with protocol (1/2 unless the schema needs table features), metaData with a fresh
// id and the Spark schema string, and optionally the first data. Losing the race for version 0 is TABLE_EXISTS.

import { randomUUID } from 'node:crypto';
import type { Action, Metadata } from '../actions';
import { DeltaError } from '../errors';
import { isStructType, type StructType } from '../schema';
import { adoptDataFiles, canAdoptFiles } from './adopt-files';
import { writeDataFiles, type DataLayout } from './data-files';
import { getNow, type WriteEffects } from './effects';
import { commitTransaction, type CommitOptions } from './transaction';
import { getNumIndexedCols } from './table-properties';
import { collectTableConstraints } from './table-constraints';
import { describeQuery, reconcileSchema, toSchemaString } from './table-schema';
import {
  buildConformingSelect,
  buildTxnAction,
  countRecords,
  sumSizes,
  type TxnOption,
  type WriteResult,
} from './write-support';
import { assertWritable, requireProtocol } from './write-protocol';

export interface CreateTableOptions extends CommitOptions {
  /** Table schema; derived from `data` when absent. */
  schema?: StructType;
  partitionColumns?: string[];
  /** Table properties (metaData.configuration), e.g. delta.appendOnly, delta.checkpointInterval. */
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  /** Optional first rows: a DuckDB query (CREATE TABLE AS SELECT). */
  data?: string;
  layout?: DataLayout;
  /**
   * Local Parquet files holding exactly the rows of `data` (a plain read of them): when their columns are the
   * table's, they become its data files as they are (adopt-files.ts) instead of being encoded a second time.
   */
  adoptFiles?: string[];
  /** Idempotent writer bookkeeping recorded in the creating commit, as append/overwrite/merge do. */
  txn?: TxnOption;
}

/** Creates a Delta table at `tableRoot`; throws TABLE_EXISTS when one is there. */
export async function createTable(
  effects: WriteEffects,
  tableRoot: string,
  options: CreateTableOptions,
): Promise<WriteResult> {
  const incoming = options.data === undefined ? undefined : await describeQuery(effects.duckdb, options.data);
  const schema = options.schema ?? incoming;
  if (!schema || !isStructType(schema) || schema.fields.length === 0) {
    throw new DeltaError('INVALID_ARGUMENT', 'createTable needs a schema with at least one column, or data');
  }
  if (incoming && options.schema) reconcileSchema(schema, incoming, false);
  const partitionColumns = options.partitionColumns ?? [];
  for (const column of partitionColumns) {
    if (!schema.fields.some((field) => field.name === column)) {
      throw new DeltaError('INVALID_ARGUMENT', `Partition column '${column}' is not in the schema`);
    }
  }
  const existing = await effects.storage.list(`${tableRoot ? `${tableRoot}/` : ''}_delta_log`);
  if (existing.some((file) => /^\d{20}\.(json|checkpoint\.parquet)$/.test(file.name))) {
    throw new DeltaError('TABLE_EXISTS', `A Delta table already exists at ${tableRoot || 'the root'}`);
  }
  const configuration = options.properties ?? {};
  const metadata: Metadata = {
    id: randomUUID(),
    ...(options.name ? { name: options.name } : {}),
    ...(options.description ? { description: options.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: toSchemaString(schema),
    partitionColumns,
    configuration,
    createdTime: getNow(effects),
  };
  const protocol = requireProtocol(undefined, schema, configuration);
  assertWritable(protocol, metadata, schema);
  const numIndexedCols = getNumIndexedCols(configuration);
  const constraints = collectTableConstraints(configuration, schema);
  const adopt =
    options.data !== undefined &&
    options.adoptFiles !== undefined &&
    options.layout === undefined &&
    (await canAdoptFiles(effects.duckdb, options.adoptFiles, schema, { partitionColumns, configuration }));
  const adds =
    options.data === undefined || !incoming
      ? []
      : adopt
        ? await adoptDataFiles(effects, {
            tableRoot,
            files: options.adoptFiles as string[],
            schema,
            dataChange: true,
            numIndexedCols,
            constraints,
          })
        : await writeDataFiles(effects, {
            tableRoot,
            sql: buildConformingSelect(options.data, incoming, schema),
            schema,
            partitionColumns,
            dataChange: true,
            numIndexedCols,
            constraints,
            ...(options.layout ? { layout: options.layout } : {}),
          });
  const actions: Action[] = [
    { protocol },
    { metaData: metadata },
    ...buildTxnAction(effects, options.txn),
    ...adds.map((add) => ({ add })),
  ];
  const metrics = {
    numFiles: adds.length,
    numOutputRows: countRecords(adds),
    numOutputBytes: sumSizes(adds),
  };
  const result = await commitTransaction(
    effects,
    {
      tableRoot,
      readVersion: -1,
      operation: options.data === undefined ? 'CREATE TABLE' : 'CREATE TABLE AS SELECT',
      operationParameters: {
        isManaged: 'false',
        description: options.description,
        partitionBy: JSON.stringify(partitionColumns),
        properties: JSON.stringify(configuration),
      },
      operationMetrics: metrics,
      actions,
      isBlindAppend: true,
      reads: { readPredicate: 'none', readFileKeys: new Set() },
      configuration,
      newFiles: adds,
    },
    options,
  );
  return { ...result, metrics };
}
