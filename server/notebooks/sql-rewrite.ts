// Delta/Spark time travel in SQL (`FROM permits VERSION AS OF 12`, `FROM permits TIMESTAMP AS OF '2026-11-01
// 10:00'`), which DuckDB does not parse, rewritten into view names that the engine defines over that snapshot;
// likewise a table's change feed, `table_changes('permits', 3, 7)` (Databricks' spelling; the end is optional),
// into a view the server path defines over the changes of those versions.
// Pure, and free of server-only imports: the browser uses it before either path runs a cell, the worker before it
// runs a scheduled notebook on the server path.

export interface TableRef {
  /** View name the rewritten SQL reads. */
  view: string;
  table: string;
  version?: number;
  timestamp?: string;
  /** Set for `table_changes(…)`: the view holds the changes of versions from..to (to: the latest). */
  changes?: { from: number; to?: number };
}

export interface RewrittenSql {
  sql: string;
  refs: TableRef[];
  /** Character offsets in the original SQL, for mapping error positions back: [rewrittenStart, delta] pairs. */
  shifts: { at: number; delta: number }[];
}

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'other';
  text: string;
  /** Unquoted value for words, quoted identifiers and strings. */
  value: string;
  start: number;
  end: number;
}

/** Splits SQL into tokens, skipping whitespace and comments. */
export function tokenizeSql(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (/\s/.test(char)) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (char === "'" || char === '"') {
      let j = i + 1;
      let value = '';
      while (j < sql.length) {
        if (sql[j] === char) {
          if (sql[j + 1] === char) {
            value += char;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j += 1;
      }
      const end = Math.min(j + 1, sql.length);
      tokens.push({
        kind: char === "'" ? 'string' : 'quoted',
        text: sql.slice(i, end),
        value,
        start: i,
        end,
      });
      i = end;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0], value: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else if (/[0-9]/.test(char)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: match[0], value: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else {
      tokens.push({ kind: 'other', text: char, value: char, start: i, end: i + 1 });
      i += 1;
    }
  }
  return tokens;
}

function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.value.toUpperCase() === word;
}

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The view a table is read through: its name when that is a plain identifier, else an identifier-safe spelling
 * (a source's table `county_ops/parcels` → `county_ops_x2f_parcels`, `my-table` → `my_x2d_table`), so both
 * engines and the server path's view-name check accept it.
 */
export function viewNameOf(table: string): string {
  if (PLAIN_IDENTIFIER.test(table)) return table;
  return table.replace(/[^A-Za-z0-9_]/g, (char) => `_x${char.charCodeAt(0).toString(16)}_`);
}

/** How an analyst writes a table's name in SQL: as is when it is a plain identifier, else double-quoted. */
export function sqlNameOf(table: string): string {
  return PLAIN_IDENTIFIER.test(table) ? table : `"${table.replace(/"/g, '""')}"`;
}

/** A stable, identifier-safe view name for a table at a timestamp. */
function timestampViewName(table: string, timestamp: string): string {
  let hash = 0x811c9dc5;
  for (const char of timestamp) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `${viewNameOf(table)}__ts_${hash.toString(36)}`;
}

/**
 * `table_changes('t', from[, to])` at `tokens[index]`, for a known table named as a string or an identifier;
 * null for anything else (DuckDB then reports the unknown function or table).
 */
function parseTableChanges(
  tokens: Token[],
  index: number,
  byLower: Map<string, string>,
): { ref: TableRef; end: number; lastIndex: number } | null {
  const [open, name, comma, from, next] = tokens.slice(index + 1, index + 6);
  if (open?.text !== '(' || comma?.text !== ',' || from?.kind !== 'number' || !/^\d+$/.test(from.value))
    return null;
  if (name?.kind !== 'string' && name?.kind !== 'word' && name?.kind !== 'quoted') return null;
  const table = byLower.get(name.value.toLowerCase());
  if (table === undefined) return null;
  let to: number | undefined;
  let close = next;
  let lastIndex = index + 5;
  if (next?.text === ',') {
    const end = tokens[index + 6];
    if (end?.kind !== 'number' || !/^\d+$/.test(end.value)) return null;
    to = Number(end.value);
    close = tokens[index + 7];
    lastIndex = index + 7;
  }
  if (close?.text !== ')') return null;
  const view = `${viewNameOf(table)}__changes_${from.value}_${to ?? 'latest'}`;
  const changes = { from: Number(from.value), ...(to !== undefined ? { to } : {}) };
  return { ref: { view, table, changes }, end: close.end, lastIndex };
}

/**
 * Rewrites time travel on known tables and lists every table the SQL names (the current version for plain
 * references). `tables` are the catalog's table names; matching is case-insensitive, as DuckDB's is.
 */
export function rewriteTimeTravel(sql: string, tables: readonly string[]): RewrittenSql {
  const byLower = new Map(tables.map((name) => [name.toLowerCase(), name]));
  const tokens = tokenizeSql(sql);
  const refs = new Map<string, TableRef>();
  const edits: { start: number; end: number; text: string }[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index] as Token;
    const call = isWord(token, 'TABLE_CHANGES') ? parseTableChanges(tokens, index, byLower) : null;
    if (call) {
      refs.set(call.ref.view, call.ref);
      edits.push({ start: token.start, end: call.end, text: call.ref.view });
      index = call.lastIndex;
      continue;
    }
    if (token.kind !== 'word' && token.kind !== 'quoted') continue;
    const table = byLower.get(token.value.toLowerCase());
    if (table === undefined) continue;
    // A column or alias such as `x.permits` is not a table reference.
    if (tokens[index - 1]?.text === '.') continue;
    const [kind, as, of, literal] = tokens.slice(index + 1, index + 5);
    if ((isWord(kind, 'VERSION') || isWord(kind, 'TIMESTAMP')) && isWord(as, 'AS') && isWord(of, 'OF')) {
      if (isWord(kind, 'VERSION') && literal?.kind === 'number' && /^\d+$/.test(literal.value)) {
        const version = Number(literal.value);
        const view = `${viewNameOf(table)}__v${version}`;
        refs.set(view, { view, table, version });
        edits.push({ start: token.start, end: literal.end, text: view });
        index += 4;
        continue;
      }
      if (isWord(kind, 'TIMESTAMP') && literal?.kind === 'string') {
        const view = timestampViewName(table, literal.value);
        refs.set(view, { view, table, timestamp: literal.value });
        edits.push({ start: token.start, end: literal.end, text: view });
        index += 4;
        continue;
      }
    }
    const view = viewNameOf(table);
    if (view !== table) edits.push({ start: token.start, end: token.end, text: view });
    if (!refs.has(view)) refs.set(view, { view, table });
  }
  let result = '';
  let last = 0;
  const shifts: { at: number; delta: number }[] = [];
  for (const edit of edits) {
    result += sql.slice(last, edit.start) + edit.text;
    shifts.push({ at: result.length, delta: edit.end - edit.start - edit.text.length });
    last = edit.end;
  }
  result += sql.slice(last);
  return { sql: result, refs: [...refs.values()], shifts };
}

/** Maps an offset in rewritten SQL back to the original SQL. */
export function toOriginalOffset(rewritten: RewrittenSql, offset: number): number {
  let delta = 0;
  for (const shift of rewritten.shifts) if (shift.at <= offset) delta += shift.delta;
  return offset + delta;
}
