// The SQL the PostgreSQL source sends, as pure functions (golden-tested): the catalogue query that describes a
// table, and the SELECT of an extract (full or from a watermark).

import { SourceError, assertIdentifier, type ReadRequest, type TableRef } from '../source';
import { quotePostgres, selectPostgresColumn } from './type-mapping';

export function qualifyPostgresTable(table: TableRef): string {
  const name = quotePostgres(assertIdentifier(table.name));
  return table.schema ? `${quotePostgres(assertIdentifier(table.schema))}.${name}` : name;
}

/** Columns of a relation, in order; $1 is the qualified, quoted relation name. */
export const DESCRIBE_POSTGRES_TABLE = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
  NOT a.attnotnull AS nullable
FROM pg_attribute a
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

/** (k1, k2) IN (($1, $2), …): each parameter takes its key column's type (an indexed lookup). */
function buildKeyIn(keyIn: NonNullable<ReadRequest['keyIn']>): { where: string; values: string[] } {
  const columns = keyIn.columns.map((name) => quotePostgres(assertIdentifier(name)));
  const values: string[] = [];
  const tuples = keyIn.values.map((key) => {
    if (key.length !== columns.length)
      throw new SourceError('INVALID_IDENTIFIER', 'A key has the wrong arity');
    return `(${key.map((value) => `$${values.push(value)}`).join(', ')})`;
  });
  if (tuples.length === 0) return { where: 'false', values };
  return { where: `(${columns.join(', ')}) IN (${tuples.join(', ')})`, values };
}

/** The extract query: every column as text, optionally only rows at or after the watermark ($1) and before $2. */
export function buildPostgresSelect(request: ReadRequest): { text: string; values: string[] } {
  const columns = request.columns.map((column) => {
    assertIdentifier(column.name);
    return `${selectPostgresColumn(column.name, column.sourceType)} AS ${quotePostgres(column.name)}`;
  });
  const from = qualifyPostgresTable(request.table);
  if (request.keyIn) {
    const { where, values } = buildKeyIn(request.keyIn);
    return { text: `SELECT ${columns.join(', ')} FROM ${from} WHERE ${where}`, values };
  }
  if (!request.watermark) return { text: `SELECT ${columns.join(', ')} FROM ${from}`, values: [] };
  // $1 takes the watermark column's own type (PostgreSQL infers an untyped parameter from the other operand).
  const column = quotePostgres(assertIdentifier(request.watermark.column));
  const { to } = request.watermark;
  return {
    text: `SELECT ${columns.join(', ')} FROM ${from} WHERE ${column} >= $1${to === undefined ? '' : ` AND ${column} < $2`}`,
    values: to === undefined ? [request.watermark.from] : [request.watermark.from, to],
  };
}
