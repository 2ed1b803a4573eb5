// Where `{{name}}` placeholders stand in SQL: only in code, never inside a string literal, a quoted identifier, a
// dollar-quoted string or a comment, as DuckDB's own scanner (PostgreSQL's) sees them. Binding must agree with the
// engine on where a literal ends: a placeholder we took for code that the engine reads as part of a string would let
// a value's quotes end that string. Pure and browser-safe.

export interface Placeholder {
  /** Offsets of the whole `{{ … }}` in the SQL. */
  start: number;
  end: number;
  name: string;
  /** `from` in `{{period.from}}`. */
  part?: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*\}\}/y;
const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;

/** End of a quoted run starting at `start`; `backslash` for E'…' strings, where `\'` does not end it. */
function endOfQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslash && char === '\\') {
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** Block comments nest, as in PostgreSQL. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

const isIdentifierChar = (char: string | undefined) => char !== undefined && IDENTIFIER_CHAR.test(char);

export function findPlaceholders(sql: string): Placeholder[] {
  const found: Placeholder[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      i = endOfBlockComment(sql, i);
    } else if (char === "'") {
      // E'…' (not the end of a longer word such as `SOME'…'`) takes backslash escapes.
      const prefix = sql[i - 1];
      const escaped = (prefix === 'E' || prefix === 'e') && !isIdentifierChar(sql[i - 2]);
      i = endOfQuoted(sql, i, "'", escaped);
    } else if (char === '"') {
      i = endOfQuoted(sql, i, '"', false);
    } else if (char === '$' && !isIdentifierChar(sql[i - 1])) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? sql.length : close + tag[0].length;
      } else {
        i += 1;
      }
    } else if (char === '{' && sql[i + 1] === '{') {
      PLACEHOLDER.lastIndex = i;
      const match = PLACEHOLDER.exec(sql);
      if (match) {
        const end = i + match[0].length;
        found.push({ start: i, end, name: match[1] as string, ...(match[2] ? { part: match[2] } : {}) });
        i = end;
      } else {
        i += 1;
      }
    } else if (isIdentifierChar(char)) {
      // Skip whole words, so `x$tag$` is not read as the start of a dollar-quoted string.
      while (i < sql.length && isIdentifierChar(sql[i])) i += 1;
    } else {
      i += 1;
    }
  }
  return found;
}

/**
 * What goes in place of a placeholder: the literal, with a space on a side where it would otherwise run into its
 * neighbour (`E{{x}}` must not become an E'…' string, `{{x}}'…'` not one longer string, `1{{n}}` not one number).
 */
export function spliceLiteral(sql: string, at: Placeholder, literal: string): string {
  const touches = (char: string | undefined) => char !== undefined && /[A-Za-z0-9_$'".]/.test(char);
  return `${touches(sql[at.start - 1]) ? ' ' : ''}${literal}${touches(sql[at.end]) ? ' ' : ''}`;
}
