// Rows from native DuckDB as Apache Arrow record batches (apache-arrow 13, the browser engine's version), so the
// server path hands the grid, charts and exports the same kind of result as DuckDB-WASM.

import type { DuckDBType } from '@duckdb/node-api';
import {
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
  type Data,
  type DataType,
} from 'apache-arrow';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface ColumnPlan {
  name: string;
  type: DataType;
  convert(value: Json): unknown;
}

const INT32 = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT']);
const INT64 = new Set(['BIGINT', 'UINTEGER']);
const FLOAT = new Set(['FLOAT', 'DOUBLE']);

function planColumn(name: string, duckType: DuckDBType): ColumnPlan {
  const text = duckType.toString();
  const base = text.replace(/\(.*$/, '');
  if (base === 'BOOLEAN') return { name, type: new Bool(), convert: (v) => (v === null ? null : Boolean(v)) };
  if (INT32.has(base)) return { name, type: new Int32(), convert: (v) => (v === null ? null : Number(v)) };
  if (INT64.has(base))
    return { name, type: new Int64(), convert: (v) => (v === null ? null : BigInt(v as string | number)) };
  if (FLOAT.has(base) || base === 'DECIMAL') {
    return { name, type: new Float64(), convert: (v) => (v === null ? null : Number(v)) };
  }
  // Dates, timestamps, HUGEINT, nested values: their DuckDB text form, which is also how the grid shows them.
  return {
    name,
    type: new Utf8(),
    convert: (v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v)),
  };
}

/** The end-of-stream marker of the Arrow IPC stream format (continuation token, zero length). */
export const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

export interface ArrowBatcher {
  schema: Schema;
  toBatch(rows: Json[][]): RecordBatch;
  /** The stream's first message. */
  schemaMessage(): Uint8Array;
  /** One record batch message; concatenated after schemaMessage() and before END_OF_STREAM. */
  batchMessage(rows: Json[][]): Uint8Array;
}

/** A converter from DuckDB JSON rows (arrays in column order) to Arrow tables with one stable schema. */
export function createArrowBatcher(names: string[], types: DuckDBType[]): ArrowBatcher {
  const plans = names.map((name, index) => planColumn(name, types[index] as DuckDBType));
  const schema = new Schema(
    plans.map(
      (plan, index) =>
        new Field(plan.name, plan.type, true, new Map([['duckdb_type', String(types[index])]])),
    ),
  );
  // A one-table IPC stream is [schema][batches…][end]: cutting the known schema prefix and end marker off each
  // batch's own stream gives its message alone (no dictionaries: every column type here is plain).
  const schemaBytes = tableToIPC(new Table(schema), 'stream');
  const schemaLength = schemaBytes.length - END_OF_STREAM.length;
  const toBatch = (rows: Json[][]): RecordBatch => {
    const children = plans.map((plan, index) => {
      const values = rows.map((row) => plan.convert(row[index] ?? null));
      // One builder run over the batch's rows gives one chunk.
      return vectorFromArray(values, plan.type).data[0] as Data;
    });
    const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
    return new RecordBatch(schema, data);
  };
  return {
    schema,
    toBatch,
    schemaMessage: () => schemaBytes.slice(0, schemaLength),
    batchMessage(rows) {
      const bytes = tableToIPC(new Table([toBatch(rows)]), 'stream');
      return bytes.slice(schemaLength, bytes.length - END_OF_STREAM.length);
    },
  };
}
