// Tokens of DuckDB SQL for the editor's analysis (sql-scope.ts): like the runner's tokenizer, but it keeps comments
// (the cursor may sit in one), knows {{parameters}}, marks what is unterminated (a string the analyst is still
// typing), and gives each token its parenthesis depth. Pure: runs in Node for the tests.

export interface SqlToken {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'param' | 'comment' | 'op';
  text: string;
  /** Unquoted value for words, quoted identifiers and strings; the text otherwise. */
  value: string;
  start: number;
  end: number;
  /** Parentheses open before the token; an opening one has the outer depth, its closing one too. */
  depth: number;
  /** A string, quoted identifier or block comment the text ends inside. */
  open?: boolean;
}

function readQuoted(
  sql: string,
  start: number,
  quote: string,
): { end: number; value: string; open: boolean } {
  let j = start + 1;
  let value = '';
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) {
        value += quote;
        j += 2;
        continue;
      }
      return { end: j + 1, value, open: false };
    }
    value += sql[j];
    j += 1;
  }
  return { end: sql.length, value, open: true };
}

export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let depth = 0;
  let i = 0;
  const push = (token: Omit<SqlToken, 'depth'>) => {
    tokens.push({ ...token, depth });
    i = token.end;
  };
  while (i < sql.length) {
    const char = sql[i] as string;
    const rest = sql.slice(i, i + 64);
    if (/\s/.test(char)) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const newline = sql.indexOf('\n', i);
      const end = newline === -1 ? sql.length : newline;
      push({ kind: 'comment', text: sql.slice(i, end), value: '', start: i, end });
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      push({ kind: 'comment', text: sql.slice(i, end), value: '', start: i, end, open: close === -1 });
    } else if (char === "'" || char === '"') {
      const { end, value, open } = readQuoted(sql, i, char);
      push({ kind: char === "'" ? 'string' : 'quoted', text: sql.slice(i, end), value, start: i, end, open });
    } else if (/^\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}/.test(rest)) {
      const text = (/^\{\{[^}]*\}\}/.exec(sql.slice(i)) as RegExpExecArray)[0];
      push({ kind: 'param', text, value: text, start: i, end: i + text.length });
    } else if (/[A-Za-z_]/.test(char)) {
      const text = (/^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest) as RegExpExecArray)[0];
      push({ kind: 'word', text, value: text, start: i, end: i + text.length });
    } else if (/[0-9]/.test(char)) {
      const text = (/^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(rest) as RegExpExecArray)[0];
      push({ kind: 'number', text, value: text, start: i, end: i + text.length });
    } else if (char === '(') {
      push({ kind: 'op', text: char, value: char, start: i, end: i + 1 });
      depth += 1;
    } else if (char === ')') {
      depth = Math.max(0, depth - 1);
      push({ kind: 'op', text: char, value: char, start: i, end: i + 1 });
    } else {
      const text = sql.startsWith('::', i) ? '::' : char;
      push({ kind: 'op', text, value: text, start: i, end: i + text.length });
    }
  }
  return tokens;
}

/** A word or quoted identifier: something that can name a table, column or alias. */
export function isName(token: SqlToken | undefined): token is SqlToken {
  return token?.kind === 'word' || token?.kind === 'quoted';
}

export function isKeyword(token: SqlToken | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.value.toUpperCase());
}
