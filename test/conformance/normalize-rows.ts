// Canonical text per row, computed inside DuckDB so both sides (our scan, Spark's expected parquet) go through the
// same conversions: timestamps as UTC ISO text, decimals without trailing zeros, binary as hex, maps as sorted entry
// lists, structs and lists recursively, columns sorted by name.

import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { DuckDbSession } from '../../pipelines/engine/duckdb-session';

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

function normalizeExpression(source: string, type: DuckDBType, depth: number): string {
  const variable = `n${depth}`;
  switch (type.typeId) {
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return `strftime(CAST(${source} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%f')`;
    case DuckDBTypeId.DECIMAL:
      return `regexp_replace(regexp_replace(CAST(${source} AS VARCHAR), '(\\.[0-9]*?)0+$', '\\1'), '\\.$', '')`;
    case DuckDBTypeId.BLOB:
      return `hex(${source})`;
    case DuckDBTypeId.VARCHAR:
      return source;
    case DuckDBTypeId.STRUCT: {
      const struct = type as unknown as { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
      const members = struct.entryNames.map(
        (name, index) =>
          `${quote(name)} := ${normalizeExpression(`struct_extract(${source}, ${literal(name)})`, struct.entryTypes[index] as DuckDBType, depth + 1)}`,
      );
      return `CASE WHEN ${source} IS NULL THEN NULL ELSE struct_pack(${members.join(', ')}) END`;
    }
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const list = type as unknown as { valueType: DuckDBType };
      return `list_transform(${source}, lambda ${variable}: ${normalizeExpression(variable, list.valueType, depth + 1)})`;
    }
    case DuckDBTypeId.MAP: {
      const map = type as unknown as { keyType: DuckDBType; valueType: DuckDBType };
      const key = normalizeExpression(`${variable}.key`, map.keyType, depth + 1);
      const value = normalizeExpression(`${variable}.value`, map.valueType, depth + 1);
      return `list_sort(list_transform(map_entries(${source}), lambda ${variable}: struct_pack(k := ${key}, v := ${value})))`;
    }
    default:
      return `CAST(${source} AS VARCHAR)`;
  }
}

/** Canonical JSON text of every row of `sql`, sorted (a multiset as a sorted list). */
export async function normalizeRows(duckdb: DuckDbSession, sql: string): Promise<string[]> {
  const { columns } = await duckdb.query(`SELECT * FROM (${sql}) LIMIT 0`);
  const sorted = [...columns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (sorted.length === 0) return [];
  const members = sorted.map(
    (column) => `${quote(column.name)} := ${normalizeExpression(`t.${quote(column.name)}`, column.type, 0)}`,
  );
  const rows = await duckdb.queryJson(
    `SELECT CAST(to_json(struct_pack(${members.join(', ')})) AS VARCHAR) AS r FROM (${sql}) AS t`,
  );
  return rows.map((row) => String(row.r)).sort();
}

/** Human-readable multiset difference (first `limit` rows only on each side). */
export function describeRowDifference(actual: string[], expected: string[], limit = 5): string | null {
  const counts = new Map<string, number>();
  for (const row of expected) counts.set(row, (counts.get(row) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const row of actual) {
    const count = counts.get(row) ?? 0;
    if (count > 0) counts.set(row, count - 1);
    else unexpected.push(row);
  }
  const missing = [...counts.entries()].flatMap(([row, count]) => Array<string>(count).fill(row));
  if (unexpected.length === 0 && missing.length === 0) return null;
  return [
    `actual ${actual.length} rows, expected ${expected.length}`,
    `${missing.length} expected row(s) missing, e.g.:`,
    ...missing.slice(0, limit).map((row) => `  - ${row}`),
    `${unexpected.length} unexpected row(s), e.g.:`,
    ...unexpected.slice(0, limit).map((row) => `  + ${row}`),
  ].join('\n');
}
