// Custom SQL assertions: one SELECT over `incoming` (the run's rows) or `snapshot` (the new Delta version) that
// returns the failing rows, or a single boolean. Validated by DuckDB's parser (parse-select.ts) before it runs: one
// statement, a query, and no table functions but a few generators, so a check can read only the relation it is
// given (a definition can be edited by whoever edits the pipelines folder; a check must never write or read files).

import type { DuckDbSession } from '../engine/duckdb-session';
import { collectTableFunctions, parseSelect } from '../engine/parse-select';
import { withRelation } from './check-sql';
import type { CheckStage } from './check-result';
import { PipelineError } from '../definition/errors';
import type { PipelineDefinition } from '../definition/load-definition';

const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);

export class CheckSqlError extends Error {
  override name = 'CheckSqlError';
}

/** The check's SQL ready to wrap (trailing semicolon dropped), or CheckSqlError saying why it is refused. */
export async function validateCheckSql(session: DuckDbSession, sql: string): Promise<string> {
  const text = sql.trim().replace(/;\s*$/, '');
  const parsed = await parseSelect(session, text);
  if (!parsed.ok) {
    throw new CheckSqlError(
      parsed.notSelect
        ? 'a check must be a single SELECT (read-only)'
        : `SQL does not parse: ${parsed.message}`,
    );
  }
  if (parsed.statements.length !== 1) {
    throw new CheckSqlError(
      `a check must be a single SELECT, this holds ${parsed.statements.length} statements`,
    );
  }
  const refused = collectTableFunctions(parsed.statements).find(
    (name) => !ALLOWED_TABLE_FUNCTIONS.has(name.toLowerCase()),
  );
  if (refused !== undefined) {
    throw new CheckSqlError(
      `a check reads only incoming or snapshot; the table function ${refused || '(unnamed)'}() is refused`,
    );
  }
  return text;
}

export interface CustomSqlOutcome {
  passed: boolean;
  observed: number | boolean;
  message: string;
}

/** Runs a validated check: one boolean row → that boolean; otherwise every row returned is a failing row. */
export async function runCheckSql(
  session: DuckDbSession,
  stage: CheckStage,
  relationSql: string,
  sql: string,
): Promise<CustomSqlOutcome> {
  const sample = await session.query(
    withRelation(stage, relationSql, `SELECT * FROM (\n${sql}\n) AS __check LIMIT 2`),
  );
  const only = sample.columns.length === 1 ? sample.columns[0] : undefined;
  if (only && only.type.toString() === 'BOOLEAN' && sample.rows.length === 1) {
    const value = sample.rows[0]?.[only.name];
    const passed = value === true;
    return {
      passed,
      observed: passed,
      message: passed ? 'the assertion holds' : `the assertion is ${String(value)}`,
    };
  }
  const counted = await session.queryJson(
    withRelation(stage, relationSql, `SELECT count(*) AS failing FROM (\n${sql}\n) AS __check`),
  );
  const failing = Number(counted[0]?.failing ?? 0);
  return {
    passed: failing === 0,
    observed: failing,
    message: failing === 0 ? 'no failing rows' : `${failing} failing row${failing === 1 ? '' : 's'}`,
  };
}

/** Refuses a definition whose SQL checks are not single read-only SELECTs (`npm run pipeline -- validate`). */
export async function validateDefinitionChecks(
  session: DuckDbSession,
  definition: PipelineDefinition,
): Promise<void> {
  const problems: string[] = [];
  for (const table of definition.tables) {
    for (const check of table.checks ?? []) {
      if (check.kind !== 'sql') continue;
      await validateCheckSql(session, check.sql).catch((error: unknown) => {
        if (!(error instanceof CheckSqlError)) throw error;
        problems.push(`${table.name}: sql:${check.name}: ${error.message}`);
      });
    }
  }
  if (problems.length > 0) {
    throw new PipelineError('INVALID_DEFINITION', `${definition.file}: ${problems.join('; ')}`);
  }
}
