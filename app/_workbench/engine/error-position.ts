// Where DuckDB says an error is. Its messages carry either `LINE n:` plus a caret line under an excerpt of that
// line, or (binder errors) no position at all; both native DuckDB and DuckDB-WASM use the same format.

export interface ErrorPosition {
  /** 1-based line and column in the SQL that was run. */
  line: number;
  column: number;
}

export function findErrorPosition(message: string, sql: string): ErrorPosition | null {
  const lines = message.split('\n');
  const at = lines.findIndex((line) => /^LINE \d+: /.test(line));
  if (at !== -1) {
    const header = lines[at] as string;
    const caretLine = lines[at + 1] ?? '';
    const lineNumber = Number(/^LINE (\d+): /.exec(header)?.[1]);
    const prefix = /^LINE \d+: /.exec(header)?.[0].length ?? 0;
    const caret = caretLine.indexOf('^');
    if (caret === -1) return { line: lineNumber, column: 1 };
    let excerpt = header.slice(prefix);
    let column = caret - prefix + 1;
    // DuckDB elides the start of long lines with "..."; find the excerpt in the real line to recover the column.
    if (excerpt.startsWith('...')) {
      excerpt = excerpt.slice(3);
      column -= 3;
      const sourceLine = sql.split('\n')[lineNumber - 1] ?? '';
      const probe = excerpt.replace(/\.\.\.$/, '').slice(0, 20);
      const found = sourceLine.indexOf(probe);
      if (found !== -1) column += found;
    }
    return { line: lineNumber, column: Math.max(1, column) };
  }
  // Some messages give a character offset instead: "... at position 17" or `"position": "17"`.
  const offset = /position[^0-9]{0,4}(\d+)/i.exec(message)?.[1];
  if (offset !== undefined) return offsetToPosition(sql, Number(offset));
  return null;
}

export function offsetToPosition(sql: string, offset: number): ErrorPosition {
  const before = sql.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

export function positionToOffset(sql: string, position: ErrorPosition): number {
  const lines = sql.split('\n');
  let offset = 0;
  for (let i = 0; i < position.line - 1; i += 1) offset += (lines[i]?.length ?? 0) + 1;
  return offset + position.column - 1;
}
