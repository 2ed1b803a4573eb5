'use client';
// Monaco served by this app (ARCHITECTURE.md §4): the AMD build copied to /vendor/monaco/vs at build time, never a
// CDN. One completion provider for DuckDB SQL reads the live catalog and the notebook's named results.

import { loader } from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor';
import { DUCKDB_LANGUAGE } from './duckdb-language';
import { sqlNameOf } from '@/server/notebooks/sql-rewrite';
import { SQL_FUNCTIONS, SQL_KEYWORDS } from './sql-vocabulary';

export interface CompletionCatalog {
  tables: { name: string; columns: { name: string; type: string }[]; detail: string }[];
  results: { name: string; columns: { name: string; type: string }[] }[];
}

let catalog: CompletionCatalog = { tables: [], results: [] };
let lastEditor: Monaco.editor.IStandaloneCodeEditor | null = null;
let configured = false;
let registered = false;

/** What the completion provider offers; call whenever the catalog or a named result changes. */
export function setCompletionCatalog(next: CompletionCatalog): void {
  catalog = next;
}

export function configureMonacoLoader(): void {
  if (configured) return;
  configured = true;
  loader.config({ paths: { vs: '/vendor/monaco/vs' } });
}

/** Registers the DuckDB completion provider once per page. */
export function registerSqlCompletion(monaco: typeof Monaco): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider(DUCKDB_LANGUAGE, {
    triggerCharacters: ['.', ' '],
    provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const range = {
        startLineNumber: position.lineNumber,
        endLineNumber: position.lineNumber,
        startColumn: word.startColumn,
        endColumn: word.endColumn,
      };
      const Kind = monaco.languages.CompletionItemKind;
      const before = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1);
      const qualifier = /([A-Za-z_][A-Za-z0-9_]*)\.$/.exec(before)?.[1]?.toLowerCase();
      const sources = [...catalog.tables, ...catalog.results];
      if (qualifier) {
        const source = sources.find((s) => s.name.toLowerCase() === qualifier);
        return {
          suggestions: (source?.columns ?? []).map((column) => ({
            label: column.name,
            kind: Kind.Field,
            detail: column.type,
            insertText: column.name,
            range,
          })),
        };
      }
      const suggestions: Monaco.languages.CompletionItem[] = [
        ...catalog.tables.map((table) => ({
          label: table.name,
          kind: Kind.Class,
          detail: table.detail,
          insertText: sqlNameOf(table.name),
          sortText: `0${table.name}`,
          range,
        })),
        ...catalog.results.map((result) => ({
          label: result.name,
          kind: Kind.Variable,
          detail: 'result of a named cell',
          insertText: result.name,
          sortText: `0${result.name}`,
          range,
        })),
        ...sources.flatMap((source) =>
          source.columns.map((column) => ({
            label: column.name,
            kind: Kind.Field,
            detail: `${source.name}.${column.name} ${column.type}`,
            insertText: column.name,
            sortText: `1${column.name}`,
            range,
          })),
        ),
        ...SQL_KEYWORDS.map((keyword) => ({
          label: keyword,
          kind: Kind.Keyword,
          insertText: keyword,
          sortText: `2${keyword}`,
          range,
        })),
        ...SQL_FUNCTIONS.map((name) => ({
          label: name,
          kind: Kind.Function,
          insertText: `${name}($0)`,
          insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
          sortText: `3${name}`,
          range,
        })),
      ];
      return { suggestions };
    },
  });
}

/** Remembers the editor the analyst last typed in, for the catalog's "Insert" buttons. */
export function trackEditorFocus(editor: Monaco.editor.IStandaloneCodeEditor): void {
  editor.onDidFocusEditorText(() => {
    lastEditor = editor;
  });
  editor.onDidDispose(() => {
    if (lastEditor === editor) lastEditor = null;
  });
}

/** Inserts text at the cursor of the last focused SQL editor; false when there is none. */
export function insertIntoEditor(text: string): boolean {
  const editor = lastEditor;
  const selection = editor?.getSelection();
  if (!editor || !selection) return false;
  editor.executeEdits('catalog', [{ range: selection, text, forceMoveMarkers: true }]);
  editor.focus();
  return true;
}
