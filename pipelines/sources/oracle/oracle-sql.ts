// The SQL the Oracle source sends, as pure functions (golden-tested): the cut's SCN, the catalogue query, and a
// flashback SELECT (AS OF SCN) of a whole table or of rows at or after a watermark.

import { SourceError, assertIdentifier, type ReadRequest, type TableRef } from '../source';
import { quoteOracle, selectOracleColumn } from './type-mapping';

/** The database's clock in UTC, read before the SCN, so it is never later than the cut (data "as of"). */
export const READ_CUT_TIME = `SELECT TO_CHAR(SYS_EXTRACT_UTC(SYSTIMESTAMP), 'YYYY-MM-DD"T"HH24:MI:SS.FF6"Z"') FROM DUAL`;
export const READ_CURRENT_SCN = 'SELECT CURRENT_SCN FROM V$DATABASE';
/** Without SELECT on V$DATABASE, the flashback package gives the same number. */
export const READ_CURRENT_SCN_FALLBACK = 'SELECT DBMS_FLASHBACK.GET_SYSTEM_CHANGE_NUMBER FROM DUAL';

export const DESCRIBE_ORACLE_TABLE = `SELECT COLUMN_NAME, DATA_TYPE, DATA_PRECISION, DATA_SCALE, NULLABLE
FROM ALL_TAB_COLUMNS
WHERE OWNER = NVL(:owner, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')) AND TABLE_NAME = :name
ORDER BY COLUMN_ID`;

export function qualifyOracleTable(table: TableRef): string {
  const name = quoteOracle(assertIdentifier(table.name));
  return table.schema ? `${quoteOracle(assertIdentifier(table.schema))}.${name}` : name;
}

/** ISO-8601 UTC text (as recorded by a run) → 'YYYY-MM-DD HH24:MI:SS.FF' text in UTC. */
export function formatOracleWatermark(value: string): string {
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00(?::?00)?)?$/.exec(value);
  return iso ? `${iso[1]} ${iso[2]}${iso[3] ?? '.0'}` : value;
}

/** Comparison of the watermark column with a bind (:wm, or :wmTo for a range's end), typed after the column. */
function watermarkCondition(column: string, dataType: string, op: '>=' | '<' = '>=', bind = 'wm'): string {
  const ref = quoteOracle(column);
  const type = dataType.toUpperCase();
  const text = `TO_TIMESTAMP(:${bind}, 'YYYY-MM-DD HH24:MI:SS.FF')`;
  if (type === 'DATE') return `${ref} ${op} CAST(${text} AS DATE)`;
  if (/WITH TIME ZONE$/.test(type) && !/LOCAL/.test(type)) return `${ref} ${op} FROM_TZ(${text}, 'UTC')`;
  if (type.startsWith('TIMESTAMP')) return `${ref} ${op} ${text}`;
  if (type === 'NUMBER' || type === 'FLOAT') return `${ref} ${op} TO_NUMBER(:${bind})`;
  throw new SourceError(
    'UNSUPPORTED_TYPE',
    `Watermark column ${column} has type ${dataType}; use a date, timestamp or number`,
  );
}

/** The flashback extract query and its binds. */
export function buildOracleSelect(
  request: ReadRequest,
  scn: string,
): { sql: string; binds: Record<string, string> } {
  const columns = request.columns.map((column) => {
    assertIdentifier(column.name);
    return `${selectOracleColumn(column.name, column.sourceType.replace(/\(\d+,\d+\)$/, ''))} AS ${quoteOracle(column.name)}`;
  });
  const from = `${qualifyOracleTable(request.table)} AS OF SCN :scn`;
  const select = `SELECT ${columns.join(', ')} FROM ${from}`;
  if (request.keyIn) {
    // The keys come as the extract renders them: compare that rendering, so no NLS format decides a DATE's text.
    const keys = request.keyIn.columns.map((name) => {
      const column = request.columns.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (!column)
        throw new SourceError('INVALID_IDENTIFIER', `Key column ${name} is not a column of the table`);
      return selectOracleColumn(assertIdentifier(column.name), column.sourceType.replace(/\(\d+,\d+\)$/, ''));
    });
    const binds: Record<string, string> = { scn };
    const tuples = request.keyIn.values.map((key, row) => {
      if (key.length !== keys.length)
        throw new SourceError('INVALID_IDENTIFIER', 'A key has the wrong arity');
      return `(${key.map((value, index) => ((binds[`k${row}_${index}`] = value), `:k${row}_${index}`)).join(', ')})`;
    });
    const where = tuples.length === 0 ? '1 = 0' : `(${keys.join(', ')}) IN (${tuples.join(', ')})`;
    return { sql: `${select} WHERE ${where}`, binds };
  }
  if (!request.watermark) return { sql: select, binds: { scn } };
  const name = assertIdentifier(request.watermark.column);
  const column = request.columns.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!column)
    throw new SourceError('INVALID_IDENTIFIER', `Watermark column ${name} is not a column of the table`);
  const value = formatOracleWatermark(request.watermark.from);
  const dataType = column.sourceType.replace(/\(\d+,\d+\)$/, '');
  const { to } = request.watermark;
  if (to === undefined) {
    return { sql: `${select} WHERE ${watermarkCondition(name, dataType)}`, binds: { scn, wm: value } };
  }
  return {
    sql: `${select} WHERE ${watermarkCondition(name, dataType)} AND ${watermarkCondition(name, dataType, '<', 'wmTo')}`,
    binds: { scn, wm: value, wmTo: formatOracleWatermark(to) },
  };
}
