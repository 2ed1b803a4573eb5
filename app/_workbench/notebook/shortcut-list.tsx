'use client';
// The notebook's keyboard shortcuts, opened with `?` anywhere outside an editor or a text field, or with the
// header's button; Esc or the close button closes it.

import { useEffect, useRef } from 'react';
import { NOTEBOOK_SHORTCUTS } from '../editor/cell-keys';

/** Where `?` is a character being typed, not a request for the list. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    target.closest('.monaco-editor') !== null
  );
}

/** Opens the list on `?` and closes it on Esc, page-wide, while the notebook is open. */
export function useShortcutKey(setOpen: (open: boolean) => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target))
        return;
      event.preventDefault();
      setOpen(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [setOpen]);
}

export function ShortcutList({ onClose }: { onClose(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="wb-shortcuts-backdrop" onClick={onClose}>
      <div
        className="wb-shortcuts"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="shortcut-list"
        onClick={(event) => event.stopPropagation()}
      >
        <div className="wb-shortcuts-head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" ref={close} onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <table>
          <tbody>
            {NOTEBOOK_SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.keys}>
                <th scope="row">
                  <kbd>{shortcut.keys}</kbd>
                </th>
                <td>{shortcut.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
