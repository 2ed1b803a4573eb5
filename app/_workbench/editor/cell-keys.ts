'use client';
// The notebook's keys inside a SQL editor, and moving the keyboard focus between cells: Shift+Enter runs and moves
// on, Alt+Enter runs and inserts a cell below, Ctrl/Cmd+Enter runs in place. While the suggestion list is open,
// Enter keeps its usual meaning (accept), so the run keys wait until it is closed.

import type * as Monaco from 'monaco-editor';

export interface CellKeyActions {
  run(): void;
  runAndNext(): void;
  runAndInsert(): void;
  format(): void;
}

/** The keys, for the shortcut list: what to press and what it does. */
export const NOTEBOOK_SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'Shift+Enter', what: 'Run the cell and move to the next one (a new cell at the end)' },
  { keys: 'Alt+Enter', what: 'Run the cell and insert a new cell below it' },
  { keys: 'Ctrl/Cmd+Enter', what: 'Run the cell and stay in it' },
  { keys: 'Shift+Alt+F', what: 'Format the SQL' },
  { keys: 'Ctrl+Space', what: 'Suggest columns, tables, functions' },
  { keys: '?', what: 'Show this list (outside an editor)' },
  { keys: 'Esc', what: 'Close this list' },
];

/**
 * Binds the run keys; `actions` is read at key time, so the latest cell and callbacks are used. Actions, not
 * `addCommand`: a command's keybinding is shared by every editor on the page and runs the handler of the editor
 * created last (microsoft/monaco-editor#2947), so Shift+Enter in the first cell would run another one.
 */
export function bindCellKeys(
  editor: Monaco.editor.IStandaloneCodeEditor,
  monaco: typeof Monaco,
  actions: () => CellKeyActions,
): void {
  const { KeyMod, KeyCode } = monaco;
  const idle = '!suggestWidgetVisible';
  const bind = (id: string, label: string, keys: number, run: () => void, precondition?: string) =>
    editor.addAction({
      id: `notebook.${id}`,
      label,
      keybindings: [keys],
      run,
      ...(precondition ? { precondition } : {}),
    });
  bind('run', 'Run the cell', KeyMod.CtrlCmd | KeyCode.Enter, () => actions().run());
  bind(
    'runAndNext',
    'Run the cell and move to the next',
    KeyMod.Shift | KeyCode.Enter,
    () => actions().runAndNext(),
    idle,
  );
  bind(
    'runAndInsert',
    'Run the cell and insert one below',
    KeyMod.Alt | KeyCode.Enter,
    () => actions().runAndInsert(),
    idle,
  );
  bind('format', 'Format the SQL', KeyMod.Shift | KeyMod.Alt | KeyCode.KeyF, () => actions().format());
}

const editors = new Map<string, Monaco.editor.IStandaloneCodeEditor>();
let pendingFocus: string | null = null;

/** Lets the notebook focus this cell's editor; a focus asked for before the editor mounted happens now. */
export function registerCellEditor(cellId: string, editor: Monaco.editor.IStandaloneCodeEditor): void {
  editors.set(cellId, editor);
  editor.onDidDispose(() => {
    if (editors.get(cellId) === editor) editors.delete(cellId);
  });
  if (pendingFocus === cellId) {
    pendingFocus = null;
    editor.focus();
  }
}

/**
 * Moves the keyboard focus to a cell: its SQL editor when it has one (now, or once it has mounted), else the
 * cell itself.
 */
export function focusCell(cellId: string): void {
  const editor = editors.get(cellId);
  if (editor) {
    pendingFocus = null;
    editor.focus();
    return;
  }
  const element = document.querySelector<HTMLElement>(`[data-cell-id="${CSS.escape(cellId)}"]`);
  if (element?.querySelector('[data-testid="sql-editor"]') || !element) {
    // The editor is still loading, or the cell is not rendered yet.
    pendingFocus = cellId;
    return;
  }
  element.focus();
}
