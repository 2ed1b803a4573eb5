'use client';
// Completion for a SQL cell from what its statement can refer to (sql-scope.ts): after `p.` the columns of the
// relation `p` names, with their types; elsewhere the statement's columns first (every known table's while it has no
// FROM yet), then its relations, CTEs, cells' results and lake tables, keywords, and the engine's functions with
// their signatures (duckdb-functions.ts).

import type * as Monaco from 'monaco-editor';
import { sqlNameOf } from '@/server/notebooks/sql-rewrite';
import { knownFunctions } from './duckdb-functions';
import { analyseCursor, type ScopeCatalog, type ScopeColumn } from './sql-scope';
import { SQL_FUNCTIONS, SQL_KEYWORDS } from './sql-vocabulary';

export interface CompletionCatalog extends ScopeCatalog {
  tables: { name: string; columns: ScopeColumn[]; detail: string }[];
}

type Item = Monaco.languages.CompletionItem;

/** Sorts groups in order, and items inside a group as given (a table's columns in table order). */
function sortKey(group: number, n: number): string {
  return `${group}${String(n).padStart(5, '0')}`;
}

function columnItems(
  monaco: typeof Monaco,
  range: Monaco.IRange,
  columns: readonly ScopeColumn[],
  owner: string,
  group: number,
): Item[] {
  return columns.map((column, n) => ({
    label: { label: column.name, description: column.type || undefined, detail: ` ${owner}` },
    kind: monaco.languages.CompletionItemKind.Field,
    detail: `${column.type || 'column'} — ${owner}`,
    insertText: sqlNameOf(column.name),
    filterText: column.name,
    sortText: sortKey(group, n),
    range,
  }));
}

function functionItems(monaco: typeof Monaco, range: Monaco.IRange, group: number): Item[] {
  const snippet = monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet;
  const Kind = monaco.languages.CompletionItemKind.Function;
  const known = knownFunctions();
  if (known.length === 0) {
    return SQL_FUNCTIONS.map((name, n) => ({
      label: name,
      kind: Kind,
      insertText: `${name}($0)`,
      insertTextRules: snippet,
      sortText: sortKey(group, n),
      range,
    }));
  }
  return known.map((fn, n) => {
    const more = fn.signatures.length > 1 ? ` (+${fn.signatures.length - 1} overloads)` : '';
    const signatures = fn.signatures.slice(0, 8).join('\n');
    return {
      label: { label: fn.name, description: fn.kind },
      kind: Kind,
      detail: `${fn.signatures[0] ?? fn.name}${more}`,
      documentation: { value: `\`\`\`sql\n${signatures}\n\`\`\`\n\n${fn.description ?? ''}` },
      insertText: `${fn.name}($0)`,
      insertTextRules: snippet,
      sortText: sortKey(group, n),
      range,
    };
  });
}

export function provideSqlCompletions(
  monaco: typeof Monaco,
  model: Monaco.editor.ITextModel,
  position: Monaco.Position,
  catalog: CompletionCatalog,
): Monaco.languages.CompletionList {
  const word = model.getWordUntilPosition(position);
  const range = {
    startLineNumber: position.lineNumber,
    endLineNumber: position.lineNumber,
    startColumn: word.startColumn,
    endColumn: word.endColumn,
  };
  const scope = analyseCursor(model.getValue(), model.getOffsetAt(position), catalog);
  if (scope.expects === 'none') return { suggestions: [] };
  const Kind = monaco.languages.CompletionItemKind;
  const same = (name: string) => name.toLowerCase() === scope.qualifier?.toLowerCase();

  if (scope.qualifier !== null) {
    const relation = scope.relations.find((r) => same(r.name));
    if (relation) {
      const owner =
        relation.source && relation.source !== relation.name
          ? `${relation.source} ${relation.name}`
          : relation.name;
      return { suggestions: columnItems(monaco, range, relation.columns, owner, 0) };
    }
    // A table, CTE or result written out in full (`permits.`), even if this statement does not read it yet.
    const named =
      scope.ctes.find((c) => same(c.name)) ??
      catalog.results.find((r) => same(r.name)) ??
      catalog.tables.find((t) => same(t.name));
    return { suggestions: named ? columnItems(monaco, range, named.columns, named.name, 0) : [] };
  }

  const relationFirst = scope.expects === 'relation';
  const suggestions: Item[] = [];
  if (!relationFirst) {
    scope.relations.forEach((relation, n) => {
      suggestions.push(
        ...columnItems(monaco, range, relation.columns, relation.name, 0).map((item) => ({
          ...item,
          sortText: `0${String(n).padStart(2, '0')}${item.sortText ?? ''}`,
        })),
      );
      suggestions.push({
        label: {
          label: relation.name,
          description: relation.alias ? `alias of ${relation.source ?? 'a subquery'}` : relation.kind,
        },
        kind: Kind.Variable,
        insertText: sqlNameOf(relation.name),
        sortText: sortKey(1, n),
        range,
      });
    });
  }
  if (!relationFirst && scope.relations.length === 0) {
    // SELECT written before its FROM: any known table's or result's columns, until the FROM says which.
    [...catalog.results, ...catalog.tables].forEach((source, n) =>
      suggestions.push(
        ...columnItems(monaco, range, source.columns, source.name, 2).map((item) => ({
          ...item,
          sortText: `2${String(n).padStart(4, '0')}${item.sortText ?? ''}`,
        })),
      ),
    );
  }
  const relationGroup = relationFirst ? 0 : 2;
  scope.ctes.forEach((cte, n) =>
    suggestions.push({
      label: { label: cte.name, description: 'CTE' },
      kind: Kind.Struct,
      detail: cte.columns.map((c) => c.name).join(', '),
      insertText: sqlNameOf(cte.name),
      sortText: sortKey(relationGroup, n),
      range,
    }),
  );
  catalog.results.forEach((result, n) =>
    suggestions.push({
      label: { label: result.name, description: 'cell result' },
      kind: Kind.Variable,
      detail: `result of a named cell: ${result.columns.map((c) => c.name).join(', ') || 'not run yet'}`,
      insertText: sqlNameOf(result.name),
      sortText: sortKey(relationGroup, 100 + n),
      range,
    }),
  );
  catalog.tables.forEach((table, n) =>
    suggestions.push({
      label: { label: table.name, description: table.detail },
      kind: Kind.Class,
      detail: `${table.detail}: ${table.columns.length} columns`,
      insertText: sqlNameOf(table.name),
      filterText: table.name,
      sortText: sortKey(relationGroup, 1000 + n),
      range,
    }),
  );
  SQL_KEYWORDS.forEach((keyword, n) =>
    suggestions.push({
      label: keyword,
      kind: Kind.Keyword,
      insertText: keyword,
      sortText: sortKey(3, n),
      range,
    }),
  );
  suggestions.push(...functionItems(monaco, range, 4));
  return { suggestions };
}
