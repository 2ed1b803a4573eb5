'use client';
// Hover in a SQL cell: a column's type and the relations of the statement that have it, a table's or CTE's
// columns, a function's signatures and the engine's own description of it.

import type * as Monaco from 'monaco-editor';
import { findFunction } from './duckdb-functions';
import { analyseCursor, findColumnInScope, type ScopeCatalog, type ScopeColumn } from './sql-scope';

function columnList(columns: readonly ScopeColumn[]): string {
  const shown = columns.slice(0, 30).map((c) => `${c.name} ${c.type}`.trim());
  if (columns.length > shown.length) shown.push(`… ${columns.length - shown.length} more`);
  return `\`\`\`\n${shown.join('\n')}\n\`\`\``;
}

/** Markdown for the name at a position, or null when it is nothing the notebook knows. */
export function describeAt(
  text: string,
  wordEnd: number,
  word: string,
  catalog: ScopeCatalog,
): string | null {
  const scope = analyseCursor(text, wordEnd, catalog);
  if (scope.expects === 'none') return null;
  const called = /^\s*\(/.test(text.slice(wordEnd));
  const fn = findFunction(word);
  if (called && fn) return functionDoc(fn.signatures, fn.description);
  const column = findColumnInScope(scope, word);
  if (column) {
    const where = column.relations
      .map((r) => (r.source && r.source !== r.name ? `${r.source} (${r.name})` : r.name))
      .join(', ');
    return `**${column.column.name}** \`${column.column.type || 'type not known'}\`\n\ncolumn of ${where}`;
  }
  if (scope.qualifier === null) {
    const lower = word.toLowerCase();
    const relation = scope.relations.find((r) => r.name.toLowerCase() === lower);
    if (relation) {
      const what = relation.alias
        ? `${relation.kind} ${relation.source ?? 'subquery'} as ${relation.name}`
        : `${relation.kind} ${relation.name}`;
      return `**${what}**\n\n${columnList(relation.columns)}`;
    }
    const named =
      scope.ctes.find((c) => c.name.toLowerCase() === lower) ??
      catalog.results.find((r) => r.name.toLowerCase() === lower) ??
      catalog.tables.find((t) => t.name.toLowerCase() === lower);
    if (named) return `**${named.name}**\n\n${columnList(named.columns)}`;
  }
  return fn ? functionDoc(fn.signatures, fn.description) : null;
}

function functionDoc(signatures: readonly string[], description: string | null): string {
  const shown = signatures.slice(0, 8);
  const more =
    signatures.length > shown.length ? `\n… ${signatures.length - shown.length} more overloads` : '';
  return `\`\`\`sql\n${shown.join('\n')}\n\`\`\`${more}\n\n${description ?? ''}`.trim();
}

export function provideSqlHover(
  model: Monaco.editor.ITextModel,
  position: Monaco.Position,
  catalog: ScopeCatalog,
): Monaco.languages.Hover | null {
  const word = model.getWordAtPosition(position);
  if (!word) return null;
  const end = model.getOffsetAt({ lineNumber: position.lineNumber, column: word.endColumn });
  const doc = describeAt(model.getValue(), end, word.word, catalog);
  if (!doc) return null;
  return {
    range: {
      startLineNumber: position.lineNumber,
      endLineNumber: position.lineNumber,
      startColumn: word.startColumn,
      endColumn: word.endColumn,
    },
    contents: [{ value: doc }],
  };
}
