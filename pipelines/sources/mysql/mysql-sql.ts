// The SQL the MySQL source sends, as pure functions (golden-tested).

import { SourceError, assertIdentifier, type ReadRequest, type TableRef } from '../source';
import { quoteMysql, selectMysqlColumn } from './type-mapping';

export function qualifyMysqlTable(table: TableRef): string {
  const name = quoteMysql(assertIdentifier(table.name));
  return table.schema ? `${quoteMysql(assertIdentifier(table.schema))}.${name}` : name;
}

/** Columns of a table in order: ? = schema (NULL for the connection's database), ? = table. */
export const DESCRIBE_MYSQL_TABLE = `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?
ORDER BY ORDINAL_POSITION`;

/** MySQL wants 'YYYY-MM-DD HH:MM:SS.ffffff' (no T, no zone); the session runs at UTC. */
export function formatMysqlWatermark(value: string): string {
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]00(?::?00)?)?$/.exec(value);
  return iso ? `${iso[1]} ${iso[2]}` : value;
}

export function buildMysqlSelect(request: ReadRequest): { sql: string; values: string[] } {
  const columns = request.columns.map((column) => {
    assertIdentifier(column.name);
    return `${selectMysqlColumn(column.name, column.sourceType)} AS ${quoteMysql(column.name)}`;
  });
  const from = qualifyMysqlTable(request.table);
  if (request.keyIn) {
    const keys = request.keyIn.columns.map((name) => quoteMysql(assertIdentifier(name)));
    const tuples = request.keyIn.values.map((key) => {
      if (key.length !== keys.length)
        throw new SourceError('INVALID_IDENTIFIER', 'A key has the wrong arity');
      return `(${key.map(() => '?').join(', ')})`;
    });
    const where = tuples.length === 0 ? 'FALSE' : `(${keys.join(', ')}) IN (${tuples.join(', ')})`;
    return {
      sql: `SELECT ${columns.join(', ')} FROM ${from} WHERE ${where}`,
      values: request.keyIn.values.flat(),
    };
  }
  if (!request.watermark) return { sql: `SELECT ${columns.join(', ')} FROM ${from}`, values: [] };
  const column = quoteMysql(assertIdentifier(request.watermark.column));
  const { to } = request.watermark;
  const values = [formatMysqlWatermark(request.watermark.from)];
  if (to !== undefined) values.push(formatMysqlWatermark(to));
  return {
    sql: `SELECT ${columns.join(', ')} FROM ${from} WHERE ${column} >= ?${to === undefined ? '' : ` AND ${column} < ?`}`,
    values,
  };
}
