// Where an Auto cell runs: in the browser (DuckDB-WASM) or on the server (native DuckDB), decided from what the
// workbench knows before the run: the catalog's size and row count of each lake table the SQL reads, which of its
// columns the SQL names, whether the data is already in this page (files read by an earlier run, results of
// earlier cells), and whether the result is likely small (an aggregate, a LIMIT). Pure: runCell asks it, the unit
// tests (test/workbench/placement.test.ts) pin its cases. The reason is shown under the cell.
//
// Why these lines: DuckDB-WASM scans 5-7x slower than native DuckDB (the workbench bench), and the browser must
// first fetch what it scans; the server path costs a round trip and a query process but only the result travels.
// Small reads are faster in the browser (no round trip, no server slot); big scans are faster on the server.

import { tokenizeSql } from '@/server/notebooks/sql-rewrite';

export type RunChoice = 'auto' | 'browser' | 'server';
export type EnginePath = 'browser' | 'server';

/** A lake table the SQL reads, as the catalog describes its current version. */
export interface PlacementTable {
  table: string;
  /** Bytes of the live data files. */
  sizeBytes: number;
  /** Live rows; null when a file has no record count. */
  rowCount: number | null;
  columns: readonly string[];
  /** This version was read by an earlier run in this page: its files are registered and their footers known. */
  inBrowser: boolean;
  /**
   * Why only the server path can read this table, as words following its name ("has variant columns, which only
   * the server path decodes"); null when the browser can. Sizes do not matter then: Auto sends the cell there.
   */
  serverOnly: string | null;
  /** The SQL reads this table's change feed (`table_changes(…)`), which only the server path serves. */
  changes: boolean;
}

/** A result of an earlier cell (or an uploaded table) the SQL reads: already in the browser. */
export interface PlacementResult {
  name: string;
  /** 1-based position of the cell that made it; null for an uploaded table. */
  cell: number | null;
  rows: number;
  /** Arrow bytes held in the page (what the server path would have to upload). */
  bytes: number;
}

export interface PlacementInput {
  choice: RunChoice;
  sql: string;
  tables: readonly PlacementTable[];
  results: readonly PlacementResult[];
}

export interface Placement {
  runOn: EnginePath;
  /** Decided by Auto (false when the cell forces a path). */
  auto: boolean;
  /** Why, in a few words ("reads 412 MB across 3 tables"). */
  reason: string;
  /** Auto chose the server because the browser cannot run the cell: a busy server is no reason to try it there. */
  serverOnly?: true;
}

/** At or below both, a read is small enough for the browser whatever the result. */
export const SMALL_READ = { bytes: 16 * 1024 * 1024, rows: 250_000 };
/** Above either, the scan goes to the server (unless nothing can go there). */
export const LARGE_READ = { bytes: 64 * 1024 * 1024, rows: 1_000_000 };
/** What the server path accepts as uploaded results (QUERY_MAX_UPLOAD_BYTES' default). */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
/** A LIMIT at or below this counts as a small result. */
const SMALL_LIMIT = 100_000;

const AGGREGATES = new Set([
  'count',
  'sum',
  'avg',
  'mean',
  'min',
  'max',
  'median',
  'mode',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'quantile',
  'quantile_cont',
  'quantile_disc',
  'approx_count_distinct',
  'approx_quantile',
  'count_star',
  'any_value',
  'first',
  'last',
  'arg_max',
  'arg_min',
  'bool_and',
  'bool_or',
  'string_agg',
  'list',
  'array_agg',
  'histogram',
]);

type Token = ReturnType<typeof tokenizeSql>[number];
const isWord = (token: Token | undefined, word: string) =>
  token?.kind === 'word' && token.value.toUpperCase() === word;

/** Whether the result is likely small: an aggregate (not a window), a GROUP BY, or a small LIMIT. */
export function resultLikelySmall(sql: string): { small: boolean; why: string | null } {
  const tokens = tokenizeSql(sql);
  let limit: number | null = null;
  let aggregate = false;
  let window = false;
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    if (isWord(token, 'LIMIT') && next?.kind === 'number') limit = Number(next.value);
    if (isWord(token, 'OVER')) window = true;
    if (isWord(token, 'GROUP') && isWord(next, 'BY')) aggregate = true;
    if (token.kind === 'word' && next?.text === '(' && AGGREGATES.has(token.value.toLowerCase()))
      aggregate = true;
  });
  // The outermost LIMIT is usually the last one; a smaller inner one still bounds what a subquery returns.
  if (limit !== null && limit <= SMALL_LIMIT) return { small: true, why: `LIMIT ${limit}` };
  if (aggregate && !window) return { small: true, why: 'an aggregate' };
  return { small: false, why: null };
}

/**
 * The share of a table's bytes the SQL reads: the columns it names over all columns (Parquet reads only the
 * columns a query needs); 1 for `*`; 0 when it names none (count(*) reads the footers only). Over-matching a word
 * that happens to be a column name only overestimates.
 */
export function columnShare(sql: string, columns: readonly string[]): number {
  if (columns.length === 0) return 1;
  const tokens = tokenizeSql(sql);
  const star = tokens.some((token, index) => {
    if (token.text !== '*') return false;
    const before = tokens[index - 1];
    return (
      isWord(before, 'SELECT') || isWord(before, 'DISTINCT') || before?.text === ',' || before?.text === '.'
    );
  });
  if (star) return 1;
  const named = new Set(
    tokens.filter((t) => t.kind === 'word' || t.kind === 'quoted').map((t) => t.value.toLowerCase()),
  );
  const read = columns.filter((column) => named.has(column.toLowerCase())).length;
  return read / columns.length;
}

const bytesText = (bytes: number): string => {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} kB`;
  if (bytes < 1024 * 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
};
const rowsText = (rows: number) => `${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;

function describeResults(results: readonly PlacementResult[]): string {
  const named = results.map((r) => (r.cell === null ? `the uploaded table ${r.name}` : `cell ${r.cell}`));
  const cells = results.filter((r) => r.cell !== null);
  if (cells.length === results.length && cells.length > 1) {
    return `the results of cells ${cells.map((r) => r.cell).join(', ')}`;
  }
  if (results.length === 1 && cells.length === 1) return `the result of ${named[0]}`;
  return named.join(' and ');
}

/**
 * Where a cell runs and why. A forced path is kept even where the browser cannot read a table: the browser path
 * then refuses the cell with a message naming the server path (run-cell.ts, describe-snapshot.ts).
 */
export function decidePlacement(input: PlacementInput): Placement {
  if (input.choice !== 'auto') return { runOn: input.choice, auto: false, reason: 'chosen for this cell' };
  // The change feed reads every commit of a range and the files they added and removed: a server-path job only.
  if (input.tables.some((t) => t.changes)) {
    return {
      runOn: 'server',
      auto: true,
      reason: 'table_changes runs on the server path only',
      serverOnly: true,
    };
  }
  const bySize = decideBySize(input);
  // Variant columns (top level or nested) decode only on the server path, whatever the sizes say. A read the
  // sizes send there already keeps its size reason.
  const unreadable = input.tables.find((t) => t.serverOnly !== null);
  if (!unreadable) return bySize;
  if (bySize.runOn === 'server') return { ...bySize, serverOnly: true };
  return {
    runOn: 'server',
    auto: true,
    reason: `${unreadable.table} ${unreadable.serverOnly}`,
    serverOnly: true,
  };
}

/** Auto's choice from the sizes of what the cell reads, for tables both paths can read. */
function decideBySize(input: PlacementInput): Placement {
  const { tables, results } = input;
  if (tables.length === 0) {
    if (results.length > 0) {
      return { runOn: 'browser', auto: true, reason: `re-slices ${describeResults(results)}` };
    }
    return { runOn: 'browser', auto: true, reason: 'reads no lake table' };
  }
  let bytes = 0;
  let rows = 0;
  let rowsKnown = true;
  for (const table of tables) {
    const share = columnShare(input.sql, table.columns);
    bytes += table.sizeBytes * share;
    if (share > 0) {
      if (table.rowCount === null) rowsKnown = false;
      else rows += table.rowCount;
    }
  }
  const inBrowser = tables.every((t) => t.inBrowser);
  const names = tables.length === 1 ? (tables[0]?.table ?? '') : `${tables.length} tables`;
  // count(*) and the like: DuckDB answers from the Parquet footers, a few kB wherever it runs.
  if (bytes === 0) return { runOn: 'browser', auto: true, reason: `reads only the file footers of ${names}` };
  const what =
    `reads ${rowsKnown ? `${rowsText(rows)}, ` : ''}${bytesText(bytes)} ` +
    (tables.length === 1 ? `of ${names}` : `across ${names}`);
  const small = resultLikelySmall(input.sql);
  const uploadBytes = results.reduce((sum, r) => sum + r.bytes, 0);
  const large = bytes > LARGE_READ.bytes || (rowsKnown && rows > LARGE_READ.rows);
  const tiny = bytes <= SMALL_READ.bytes && (!rowsKnown || rows <= SMALL_READ.rows);
  const browser = (reason: string): Placement => ({ runOn: 'browser', auto: true, reason });
  const server = (reason: string): Placement => {
    // Earlier results go to the server as uploads; past the server's cap they cannot, so the browser runs it.
    if (uploadBytes > MAX_UPLOAD_BYTES) {
      return browser(
        `${what}, but it also selects from ${describeResults(results)} (${bytesText(uploadBytes)}), more ` +
          'than the server accepts',
      );
    }
    const sends = results.length > 0 ? `; sends ${describeResults(results)} along` : '';
    return { runOn: 'server', auto: true, reason: `${reason}${sends}` };
  };
  const smallText = small.small ? `; the result is small (${small.why})` : '';
  if (large) return server(`${what}${smallText}`);
  if (tiny) return browser(`${what}, small enough for the browser`);
  if (inBrowser) return browser(`${what}, already read in this page`);
  if (small.small) return server(`${what}${smallText}`);
  return browser(`${what}; the result may be as large as the data, so the browser reads it`);
}
