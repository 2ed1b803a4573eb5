// The SQL of the built-in checks, over a relation exposed as the CTE `checked` (the incoming rows or the new
// snapshot). Pure: identifiers come validated from the definition and are quoted here; values become literals.

import { toSqlString } from '../engine/duckdb-session';

export function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(value: string | number | boolean): string {
  if (typeof value === 'string') return toSqlString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  return value ? 'true' : 'false';
}

/** `WITH <name> AS (<relation>) <query>`: the relation under the name a check's SQL reads. */
export function withRelation(name: string, relationSql: string, query: string): string {
  return `WITH ${quote(name)} AS (${relationSql}\n) ${query}`;
}

/** One row: the number of nulls of each column, as columns named like them. */
export function buildNullCountsSql(columns: string[]): string {
  const counts = columns.map(
    (column) => `count(*) FILTER (WHERE ${quote(column)} IS NULL) AS ${quote(column)}`,
  );
  return `SELECT ${counts.join(', ')} FROM checked`;
}

/** Up to 3 duplicated key values (most repeated first), each with its count and the number of duplicated values. */
export function buildDuplicatesSql(columns: string[]): string {
  const keys = columns.map(quote).join(', ');
  return (
    `SELECT *, count(*) OVER () AS __duplicated FROM ` +
    `(SELECT ${keys}, count(*) AS __copies FROM checked GROUP BY ${keys} HAVING count(*) > 1) ` +
    `ORDER BY __copies DESC LIMIT 3`
  );
}

/** Up to 3 values outside the list (most frequent first), with the number of rows holding any of them. */
export function buildUnacceptedSql(column: string, values: (string | number | boolean)[]): string {
  const c = quote(column);
  return (
    `SELECT CAST(${c} AS VARCHAR) AS value, count(*) AS rows, sum(count(*)) OVER () AS __failing FROM checked ` +
    `WHERE ${c} IS NOT NULL AND ${c} NOT IN (${values.map(literal).join(', ')}) GROUP BY ${c} ORDER BY rows DESC LIMIT 3`
  );
}

/** Rows outside [min, max], and the column's own min and max as text. */
export function buildRangeSql(column: string, min?: string | number, max?: string | number): string {
  const c = quote(column);
  const outside = [
    ...(min !== undefined ? [`${c} < ${literal(min)}`] : []),
    ...(max !== undefined ? [`${c} > ${literal(max)}`] : []),
  ].join(' OR ');
  return (
    `SELECT count(*) FILTER (WHERE ${outside}) AS failing, CAST(min(${c}) AS VARCHAR) AS lowest, ` +
    `CAST(max(${c}) AS VARCHAR) AS highest FROM checked`
  );
}

/** Percent change from `before` to `after` rows; 0 → n counts as 100%. */
export function percentChange(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : 100;
  return (Math.abs(after - before) / before) * 100;
}
