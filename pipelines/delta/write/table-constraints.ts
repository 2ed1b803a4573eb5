// The rules every written row must obey (PROTOCOL.md "Column Invariants", "CHECK Constraints"): CHECK constraints
// (`delta.constraints.<name>` in the configuration), column invariants (`delta.invariants` in a field's metadata)
// and NOT NULL columns (`nullable: false`, which Spark enforces as an invariant too). They are collected and
// compiled to DuckDB SQL before anything is written (an expression this writer cannot evaluate exactly as Spark
// would refuses the write), then checked over the staged rows of each write: a row for which a rule is false or
// NULL fails the write, naming the rule and the row's values, before any file reaches the table.

import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDbSession } from '../../engine/duckdb-session';
import { DeltaError } from '../errors';
import {
  isArrayType,
  isMapType,
  isStructType,
  quoteIdentifier,
  type DeltaType,
  type StructType,
} from '../schema';
import { compileConstraintExpression, type ConstraintColumn } from './constraint-sql';

export interface TableConstraint {
  /** How the message names the rule, e.g. "CHECK constraint positive (x > 0)". */
  description: string;
  /** DuckDB boolean expression over the table's columns; a row passes only when it is TRUE. */
  sql: string;
  columns: ConstraintColumn[];
}

const CHECK_PREFIX = 'delta.constraints.';
const INVARIANTS_KEY = 'delta.invariants';
const MAX_VALUE_CHARS = 200;

/** The invariant expression of a field's `delta.invariants` metadata: {"expression": {"expression": "x > 3"}}. */
function parseInvariant(raw: unknown, column: string): string {
  let parsed: unknown = raw;
  try {
    if (typeof raw === 'string') parsed = JSON.parse(raw);
  } catch (cause) {
    throw new DeltaError('UNSUPPORTED_CONSTRAINT', `The invariant of column ${column} is not valid JSON`, {
      cause,
    });
  }
  const expression = (parsed as { expression?: { expression?: unknown } } | null)?.expression?.expression;
  if (typeof expression !== 'string') {
    throw new DeltaError(
      'UNSUPPORTED_CONSTRAINT',
      `The invariant of column ${column} has no expression.expression string`,
    );
  }
  return expression;
}

function hasInvariantsBelow(type: DeltaType): boolean {
  if (isStructType(type))
    return type.fields.some((field) => INVARIANTS_KEY in field.metadata || hasInvariantsBelow(field.type));
  if (isArrayType(type)) return hasInvariantsBelow(type.elementType);
  if (isMapType(type)) return hasInvariantsBelow(type.keyType) || hasInvariantsBelow(type.valueType);
  return false;
}

function collectInvariants(schema: StructType): TableConstraint[] {
  const found: TableConstraint[] = [];
  const walk = (fields: StructType['fields'], prefix: string): void => {
    for (const field of fields) {
      const column = `${prefix}${field.name}`;
      const raw = field.metadata[INVARIANTS_KEY];
      if (raw !== undefined) {
        const expression = parseInvariant(raw, column);
        const description = `Invariant of column ${column} (${expression})`;
        found.push({ description, ...compileConstraintExpression(expression, schema, description) });
      }
      if (isStructType(field.type)) walk(field.type.fields, `${column}.`);
      else if (hasInvariantsBelow(field.type)) {
        throw new DeltaError(
          'UNSUPPORTED_CONSTRAINT',
          `Column ${column} has invariants inside an array or map, which this writer cannot check`,
        );
      }
    }
  };
  walk(schema.fields, '');
  return found;
}

/** NOT NULL columns: top-level ones always, nested struct fields whenever their parent struct is not NULL. */
function collectNotNull(schema: StructType): TableConstraint[] {
  const found: TableConstraint[] = [];
  const walk = (fields: StructType['fields'], parentSql: string | undefined, prefix: string): void => {
    for (const field of fields) {
      const column = `${prefix}${field.name}`;
      const sql =
        parentSql === undefined
          ? quoteIdentifier(field.name)
          : `struct_extract(${parentSql}, '${field.name.replace(/'/g, "''")}')`;
      if (!field.nullable) {
        found.push({
          description: `NOT NULL column ${column}`,
          sql:
            parentSql === undefined ? `(${sql} IS NOT NULL)` : `(${parentSql} IS NULL OR ${sql} IS NOT NULL)`,
          columns: [{ label: column, sql }],
        });
      }
      if (isStructType(field.type)) walk(field.type.fields, sql, `${column}.`);
    }
  };
  walk(schema.fields, undefined, '');
  return found;
}

/** True when the configuration holds CHECK constraints. */
export function hasCheckConstraints(configuration: Record<string, string>): boolean {
  return Object.keys(configuration).some((key) => key.startsWith(CHECK_PREFIX));
}

/**
 * Every rule rows written to the table must obey, compiled; throws UNSUPPORTED_CONSTRAINT for an expression this
 * writer cannot evaluate faithfully. Pure.
 */
export function collectTableConstraints(
  configuration: Record<string, string>,
  schema: StructType,
): TableConstraint[] {
  const checks = Object.entries(configuration)
    .filter(([key]) => key.startsWith(CHECK_PREFIX))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, expression]) => {
      const description = `CHECK constraint ${key.slice(CHECK_PREFIX.length)} (${expression})`;
      return { description, ...compileConstraintExpression(expression, schema, description) };
    });
  return [...collectNotNull(schema), ...collectInvariants(schema), ...checks];
}

/** A value for the message: strings quoted, numbers, dates and the like (JSON strings for DuckDB) as they are. */
function formatValue(value: unknown, duckdbType: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text =
    typeof value === 'string' ? (duckdbType === 'VARCHAR' ? `'${value}'` : value) : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/**
 * Checks the rows of `rowsSql` (the table's columns by name) against the constraints; throws CONSTRAINT_VIOLATION
 * naming the first violated rule and a violating row's values for the columns it reads.
 */
export async function assertRowsSatisfyConstraints(
  duckdb: DuckDbSession,
  rowsSql: string,
  constraints: TableConstraint[],
): Promise<void> {
  if (constraints.length === 0) return;
  for (const constraint of constraints) {
    let typeId: DuckDBTypeId | undefined;
    try {
      const reader = await duckdb.connection.runAndReadAll(
        `SELECT ${constraint.sql} AS __rule FROM (${rowsSql}) AS __rows LIMIT 0`,
      );
      typeId = reader.columnTypes()[0]?.typeId;
    } catch (cause) {
      throw new DeltaError(
        'UNSUPPORTED_CONSTRAINT',
        `${constraint.description} cannot be evaluated over the table's columns`,
        { cause },
      );
    }
    if (typeId !== DuckDBTypeId.BOOLEAN) {
      throw new DeltaError('UNSUPPORTED_CONSTRAINT', `${constraint.description} is not a boolean expression`);
    }
  }
  const columns = new Map<string, ConstraintColumn>();
  for (const constraint of constraints)
    for (const column of constraint.columns) columns.set(column.label, column);
  const columnList = [...columns.values()];
  const position = new Map(columnList.map((column, index) => [column.label, index]));
  const flags = constraints.map((constraint, index) => `(${constraint.sql}) IS NOT TRUE AS __v${index}`);
  const values = columnList.map(
    (column, index) => `${column.sql} AS __c${index}, typeof(${column.sql}) AS __t${index}`,
  );
  const rows = await duckdb.queryJson(
    `SELECT * FROM (SELECT ${[...flags, ...values].join(', ')} FROM (${rowsSql}) AS __rows) ` +
      `WHERE ${constraints.map((_, index) => `__v${index}`).join(' OR ')} LIMIT 1`,
  );
  const row = rows[0];
  if (!row) return;
  const index = constraints.findIndex((_, at) => row[`__v${at}`] === true);
  const violated = constraints[index] ?? (constraints[0] as TableConstraint);
  const shown = violated.columns
    .map((column) => {
      const at = position.get(column.label) ?? -1;
      return `${column.label} = ${formatValue(row[`__c${at}`], row[`__t${at}`])}`;
    })
    .join(', ');
  throw new DeltaError(
    'CONSTRAINT_VIOLATION',
    `${violated.description} is violated by a row with ${shown || 'no column values'}; nothing was written`,
  );
}
