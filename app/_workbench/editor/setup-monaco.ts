'use client';
// Monaco served by this app (ARCHITECTURE.md §4): the AMD build copied to /vendor/monaco/vs at build time, never a
// CDN. One completion and one hover provider for DuckDB SQL read the live catalog and the notebook's named results.

import { loader } from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor';
import { DUCKDB_LANGUAGE } from './duckdb-language';
import { provideSqlCompletions, type CompletionCatalog } from './sql-completion';
import { provideSqlHover } from './sql-hover';
import { logCleanupFailure } from '../../_lib/cleanup';

export type { CompletionCatalog };

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
  // Start loading the editor (its AMD loader, then 3 MB of editor code) as soon as the page's code runs, not once
  // the notebook has arrived and its first cell renders: the editor is what makes the page usable, and the two
  // waits then overlap instead of following each other. The Editor component awaits the same loader.
  if (typeof window !== 'undefined') {
    void loader.init().catch(logCleanupFailure('loading the editor early'));
  }
}

/** Registers DuckDB completion and hover once per page; both read the catalog set last. */
export function registerSqlCompletion(monaco: typeof Monaco): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider(DUCKDB_LANGUAGE, {
    triggerCharacters: ['.', ' '],
    provideCompletionItems: (model, position) => provideSqlCompletions(monaco, model, position, catalog),
  });
  monaco.languages.registerHoverProvider(DUCKDB_LANGUAGE, {
    provideHover: (model, position) => provideSqlHover(model, position, catalog),
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
