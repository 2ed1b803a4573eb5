// Compares a source table with its Delta table without moving either: the row count on each side, then rows are
// bucketed into chunks by a hash of their key, and each side computes per chunk the count and the sum of a row
// hash (source SQL in its own dialect, DuckDB over the snapshot). Only for chunks that differ are (key, row hash)
// fetched from both sides, which names every key missing in Delta, missing in the source, or different.

import type { DuckDbSession } from '../engine/duckdb-session';
import type { ReadEffects } from '../delta/checkpoint';
import { planScan } from '../delta/scan';
import type { Snapshot } from '../delta/snapshot';
import { PipelineError } from '../definition/errors';
import type { TableDefinition } from '../definition/load-definition';
import {
  buildBucketRowsSql,
  buildBucketSumsSql,
  canonicalTypeOf,
  type ChecksumColumn,
  type ChecksumDialect,
  type ChecksumQueryInput,
} from '../sources/checksum-sql';
import type { SourceColumn, SourceSession, TextRow } from '../sources/source';
import { duckdbChecksumDialect } from './duckdb-checksum';
import type { DifferingKey, KeyIssue } from './reconcile-result';

/** Rows per chunk aimed at: a differing chunk fetches this many (key, hash) pairs from each side. */
export const ROWS_PER_CHUNK = 1_000;
export const MAX_CHUNKS = 20_000;
/** Chunks whose rows one query fetches (an IN list). */
const CHUNKS_PER_FETCH = 500;

export interface ComparedKey extends DifferingKey {
  /** The source's key values as its extract renders them (missing_in_delta, different): re-extracted by these. */
  sourceKey?: string[];
}

export interface TableComparison {
  sourceRows: number;
  deltaRows: number;
  chunks: number;
  differingChunks: number;
  /** Every differing key, in key-text order. */
  keys: ComparedKey[];
  columns: ChecksumColumn[];
  keyColumns: ChecksumColumn[];
  columnsSkipped: { column: string; reason: string }[];
  sourceColumns: SourceColumn[];
}

export interface CompareInput {
  table: TableDefinition;
  snapshot: Snapshot;
  /** The kind's checksum dialect for this table. */
  sourceDialect: ChecksumDialect;
  /** Fixed number of chunks (tests); otherwise from the row counts. */
  chunks?: number;
}

export function chooseChunks(rows: number): number {
  return Math.min(MAX_CHUNKS, Math.max(1, Math.ceil(rows / ROWS_PER_CHUNK)));
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The columns both sides have, typed by Delta; the others and float/nested columns are left out with why. */
export function selectComparedColumns(
  table: TableDefinition,
  snapshot: Snapshot,
  sourceColumns: SourceColumn[],
): Pick<TableComparison, 'columns' | 'keyColumns' | 'columnsSkipped'> {
  const columns: ChecksumColumn[] = [];
  const columnsSkipped: { column: string; reason: string }[] = [];
  for (const field of snapshot.schema.fields) {
    const source = sourceColumns.find((column) => sameName(column.name, field.name));
    const type = typeof field.type === 'string' ? canonicalTypeOf(field.type) : null;
    if (!source) columnsSkipped.push({ column: field.name, reason: 'not in the source' });
    else if (!type)
      columnsSkipped.push({
        column: field.name,
        reason: `${typeof field.type === 'string' ? field.type : field.type.type} values are not compared`,
      });
    else columns.push({ name: field.name, type, source });
  }
  for (const column of sourceColumns) {
    if (!snapshot.schema.fields.some((field) => sameName(field.name, column.name)))
      columnsSkipped.push({ column: column.name, reason: 'not in the Delta table yet' });
  }
  const keyColumns = table.primaryKey.map((key) => {
    const column = columns.find((candidate) => sameName(candidate.name, key));
    if (!column) {
      throw new PipelineError(
        'INVALID_DEFINITION',
        `Table ${table.name}: key column ${key} is missing on one side or has a type reconcile cannot compare`,
      );
    }
    return column;
  });
  return { columns, keyColumns, columnsSkipped };
}

function toCount(value: string | null | undefined): number {
  return Number(value ?? 0);
}

async function readDuckRows(duckdb: DuckDbSession, sql: string): Promise<TextRow[]> {
  const rows = await duckdb.queryJson(sql);
  return rows.map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
}

async function readSourceRows(session: SourceSession, sql: string): Promise<TextRow[]> {
  if (!session.queryText) {
    throw new PipelineError('INVALID_DEFINITION', 'This source cannot run reconcile queries');
  }
  return session.queryText(sql);
}

type BucketSums = Map<number, string>;

function toBucketSums(rows: TextRow[]): BucketSums {
  return new Map(rows.map((row) => [Number(row[0]), `${row[1]}:${BigInt(row[2] ?? '0')}`]));
}

export async function compareTable(
  effects: ReadEffects,
  session: SourceSession,
  input: CompareInput,
): Promise<TableComparison> {
  const { table, snapshot } = input;
  const ref = { ...(table.schema ? { schema: table.schema } : {}), name: table.name };
  const sourceColumns = await session.describeTable(ref);
  const selected = selectComparedColumns(table, snapshot, sourceColumns);
  const scan = await planScan(effects, snapshot, { columns: selected.columns.map((column) => column.name) });
  const duck = duckdbChecksumDialect(scan.sql);
  try {
    const [sourceCount] = await readSourceRows(
      session,
      `SELECT ${input.sourceDialect.toText('COUNT(*)')} AS rc_n FROM ${input.sourceDialect.from}`,
    );
    const [deltaCount] = await readDuckRows(
      effects.duckdb,
      `SELECT CAST(COUNT(*) AS VARCHAR) AS rc_n FROM ${duck.from}`,
    );
    const sourceRows = toCount(sourceCount?.[0]);
    const deltaRows = toCount(deltaCount?.[0]);
    const chunks = input.chunks ?? chooseChunks(Math.max(sourceRows, deltaRows));
    const query: ChecksumQueryInput = {
      keys: selected.keyColumns,
      columns: selected.columns,
      buckets: chunks,
    };
    const sourceSums = toBucketSums(
      await readSourceRows(session, buildBucketSumsSql(input.sourceDialect, query)),
    );
    const deltaSums = toBucketSums(await readDuckRows(effects.duckdb, buildBucketSumsSql(duck, query)));
    const differing = [...new Set([...sourceSums.keys(), ...deltaSums.keys()])]
      .filter((bucket) => sourceSums.get(bucket) !== deltaSums.get(bucket))
      .sort((a, b) => a - b);
    const keys: ComparedKey[] = [];
    const keyExtras = selected.keyColumns.map((column) =>
      input.sourceDialect.renderKey(column.source as SourceColumn),
    );
    for (let start = 0; start < differing.length; start += CHUNKS_PER_FETCH) {
      const buckets = differing.slice(start, start + CHUNKS_PER_FETCH);
      const fromSource = await readSourceRows(
        session,
        buildBucketRowsSql(input.sourceDialect, query, buckets, keyExtras),
      );
      const fromDelta = await readDuckRows(effects.duckdb, buildBucketRowsSql(duck, query, buckets));
      keys.push(...diffKeys(fromSource, fromDelta));
    }
    keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return {
      sourceRows,
      deltaRows,
      chunks,
      differingChunks: differing.length,
      keys,
      sourceColumns,
      ...selected,
    };
  } finally {
    await scan.release();
  }
}

/** The keys whose hashes differ, from (key, hash, ...source key values) rows of each side. */
export function diffKeys(fromSource: TextRow[], fromDelta: TextRow[]): ComparedKey[] {
  const delta = new Map(fromDelta.map((row) => [row[0] as string, row[1]]));
  const keys: ComparedKey[] = [];
  const seen = new Set<string>();
  for (const [key, hash, ...sourceKey] of fromSource) {
    const text = key as string;
    seen.add(text);
    const issue: KeyIssue | null = !delta.has(text)
      ? 'missing_in_delta'
      : delta.get(text) !== hash
        ? 'different'
        : null;
    if (issue) keys.push({ key: text, issue, sourceKey: sourceKey.map((value) => value ?? '') });
  }
  for (const key of delta.keys()) if (!seen.has(key)) keys.push({ key, issue: 'missing_in_source' });
  return keys;
}
