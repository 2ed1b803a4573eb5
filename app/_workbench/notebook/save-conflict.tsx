'use client';
// What the notebook page shows when a save was refused: another tab or user saved first (reload theirs, or keep
// both by saving mine as a copy), or the notebook was deleted (keep mine as a new notebook). Never a silent
// overwrite.

interface SaveConflictProps {
  kind: 'conflict' | 'deleted';
  message: string | null;
  busy: boolean;
  onReload(): void;
  onKeepCopy(): void;
}

export function SaveConflict({ kind, message, busy, onReload, onKeepCopy }: SaveConflictProps) {
  return (
    <div
      className="wb-error"
      role="alert"
      data-testid={kind === 'conflict' ? 'save-conflict' : 'notebook-deleted'}
    >
      <p>
        {kind === 'conflict'
          ? 'This notebook was saved elsewhere since you opened it; your latest changes are not saved.'
          : 'This notebook was deleted; your changes are not saved.'}
      </p>
      {message ? <p className="wb-muted">{message}</p> : null}
      {kind === 'conflict' ? (
        <button type="button" disabled={busy} onClick={onReload}>
          Reload (discard my changes)
        </button>
      ) : null}{' '}
      <button type="button" className="wb-primary" disabled={busy} onClick={onKeepCopy}>
        {kind === 'conflict' ? 'Keep both (save mine as a copy)' : 'Save mine as a new notebook'}
      </button>
    </div>
  );
}
